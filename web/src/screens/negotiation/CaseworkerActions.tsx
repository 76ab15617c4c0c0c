import type { ApiClient, DossierView } from "../../api/client";
import { listOf, officeName } from "../../casework";
import { useOffices } from "../../directory";
import type { Language } from "../../i18n";
import { planTexts } from "../../texts/plan";
import { EndPanel } from "./EndPanel";
import { NegotiationPanel } from "./NegotiationPanel";
import { PlanPanel } from "./PlanPanel";
import "./negotiation.css";

/** Offices by their names (the directory's), as the rest of the dossier shows them. */
export type OfficeNames = { of: (officeId: string) => string; list: (officeIds: string[]) => string };

type Props = {
  language: Language;
  client: ApiClient;
  dossier: DossierView;
  onChanged: () => void; // the dossier changed: read it again
  onWithdrawn: () => void; // its personal data is gone: leave it
};

/** What a caseworker does with a dossier once its offices answered: propose a plan, lead the
 * negotiation to a settlement, and end the dossier. */
export function CaseworkerActions({ language, client, dossier, onChanged, onWithdrawn }: Props) {
  const p = planTexts(language);
  const offices = useOffices(client);
  const names: OfficeNames = {
    of: (officeId) => officeName(offices, officeId),
    list: (officeIds) => listOf(officeIds.map((officeId) => officeName(offices, officeId)), language),
  };
  const id = dossier.dossier_id;
  const proposable = dossier.state === "notified" || dossier.state === "negotiating";
  const negotiated = ["negotiating", "settled", "terminated"].includes(dossier.state);
  // a new message or state is a new negotiation to read
  const version = `${dossier.state}:${dossier.messages.length}`;
  return (
    <section aria-labelledby="actions">
      <h2 id="actions">{p.actions}</h2>
      {negotiated && (
        <NegotiationPanel
          p={p}
          language={language}
          client={client}
          dossierId={id}
          version={version}
          names={names}
          onChanged={onChanged}
        />
      )}
      {proposable && (
        <PlanPanel
          p={p}
          language={language}
          client={client}
          dossierId={id}
          names={names}
          onProposed={onChanged}
        />
      )}
      <EndPanel
        p={p}
        client={client}
        dossierId={id}
        state={dossier.state}
        onChanged={onChanged}
        onWithdrawn={onWithdrawn}
      />
    </section>
  );
}
