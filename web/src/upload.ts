// Documents the browser hands over: a presigned POST from an API, the file posted by the browser
// straight to the document store (S3, whose CORS allows this site). The signed consent form is then
// confirmed to the consent API; a budget calculation is named by the proposal that carries it.
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
  if (!(await postToStore(upload.data.url, upload.data.fields, file))) return { added: false, reason: "failed" };
  const confirmed = await client.POST("/consent/dossiers/{dossier_id}/consent/form", {
    params: { path },
    body: { upload_id: upload.data.upload_id },
  });
  return confirmed.data ? { added: true } : { added: false, reason: "failed", detail: confirmed.error?.detail };
}

/** A budget calculation (VTLB) for a proposal: the id the proposal names it by. */
export async function uploadBudget(
  client: ApiClient,
  dossierId: string,
  file: File,
): Promise<{ documentId: string } | { reason: "type" | "size" | "failed"; detail?: string }> {
  if (file.type !== "application/pdf") return { reason: "type" };
  const upload = await client.POST("/claims/dossiers/{dossier_id}/documents", {
    params: { path: { dossier_id: dossierId } },
    body: { content_type: "application/pdf" },
  });
  if (!upload.data) return { reason: "failed", detail: upload.error?.detail };
  if (file.size > upload.data.max_bytes) return { reason: "size" };
  const posted = await postToStore(upload.data.url, upload.data.fields, file);
  return posted ? { documentId: upload.data.document_id } : { reason: "failed" };
}

async function postToStore(url: string, fields: Record<string, string>, file: File): Promise<boolean> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", file); // last: S3 ignores fields after the file
  try {
    return (await fetch(url, { method: "POST", body: form })).ok;
  } catch {
    return false; // refused (CORS, network): nothing to read
  }
}
