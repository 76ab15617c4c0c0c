import type { ApiClient } from "../api/client";
import { officeName } from "../casework";
import { useOffices } from "../directory";

/** An office by its name in the directory (its id while the directory is read, or for an agency). */
export function OfficeName({ client, id }: { client: ApiClient; id: string }) {
  return <>{officeName(useOffices(client), id)}</>;
}
