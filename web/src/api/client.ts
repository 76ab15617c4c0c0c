// The typed client of the public API: its types are generated from docs/openapi.json at build time
// (`npm run generate`), so an API change that breaks a screen fails `npm run build`.
import createClient, { type Middleware } from "openapi-fetch";
import { config } from "../config";
import type { components, paths } from "./schema";

export type DossierSummary = components["schemas"]["DossierSummary"];
export type DossierState = components["schemas"]["DossierState"];
export type DossierView = components["schemas"]["DossierView"];
export type MessageView = components["schemas"]["MessageView"];
export type MessageContent = components["schemas"]["MessageContent"];
export type MailView = components["schemas"]["MailView"];
export type AttachmentView = components["schemas"]["AttachmentView"];
export type CreditorView = components["schemas"]["CreditorView"];
export type ClaimView = components["schemas"]["ClaimView"];
export type Amounts = components["schemas"]["Amounts"];
export type MessageType = components["schemas"]["MessageType"];
export type CreditorClass = components["schemas"]["CreditorClass"];
export type Problem = components["schemas"]["Problem"];
export type NoCooperationReason = components["schemas"]["NoCooperationReason"];

export const DOSSIER_STATES: readonly DossierState[] = [
  "awaiting_signed_form",
  "registered",
  "notified",
  "negotiating",
  "settled",
  "terminated",
  "closed",
  "withdrawn",
  "erased",
];

export function apiClient(token: () => string | null, language: () => string, onUnauthorized: () => void) {
  // where the APIs answer: "" behind the local gateway (one origin), the stage's public URL in AWS
  const client = createClient<paths>({ baseUrl: config().api_url });
  const credentials: Middleware = {
    onRequest({ request }) {
      const idToken = token();
      if (idToken) request.headers.set("Authorization", `Bearer ${idToken}`);
      request.headers.set("Accept-Language", language()); // problems come back in the user's language
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized(); // the token expired: sign in again
      return response;
    },
  };
  client.use(credentials);
  return client;
}

export type ApiClient = ReturnType<typeof apiClient>;
