// The signed consent form: a presigned POST from the consent API, the file posted by the browser
// straight to the document store (S3, whose CORS allows this site), then confirmed to the API.
import type { ApiClient } from "./api/client";
import type { components } from "./api/schema";

type DocumentType = components["schemas"]["DocumentType"];
const DOCUMENT_TYPES: readonly string[] = ["application/pdf", "image/jpeg", "image/png"] satisfies DocumentType[];
export const ACCEPTED_FORMS = DOCUMENT_TYPES.join(",");

export type UploadOutcome = { added: true } | { added: false; reason: "type" | "size" | "failed"; detail?: string };

export async function uploadSignedForm(client: ApiClient, dossierId: string, file: File): Promise<UploadOutcome> {
  if (!DOCUMENT_TYPES.includes(file.type)) return { added: false, reason: "type" };
  const path = { dossier_id: dossierId };
  const upload = await client.POST("/consent/dossiers/{dossier_id}/consent/form-upload", {
    params: { path },
    body: { content_type: file.type as DocumentType },
  });
  if (!upload.data) return { added: false, reason: "failed", detail: upload.error?.detail };
  if (file.size > upload.data.max_bytes) return { added: false, reason: "size" };
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.data.fields)) form.append(name, value);
  form.append("file", file); // last: S3 ignores fields after the file
  try {
    const posted = await fetch(upload.data.url, { method: "POST", body: form });
    if (!posted.ok) return { added: false, reason: "failed" };
  } catch {
    return { added: false, reason: "failed" }; // refused (CORS, network): nothing to read
  }
  const confirmed = await client.POST("/consent/dossiers/{dossier_id}/consent/form", {
    params: { path },
    body: { upload_id: upload.data.upload_id },
  });
  return confirmed.data ? { added: true } : { added: false, reason: "failed", detail: confirmed.error?.detail };
}
