// The typed client of the public API: its types are generated from docs/openapi.json at build time
// (`npm run generate`), so an API change that breaks a screen fails `npm run build`.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type DossierSummary = components["schemas"]["DossierSummary"];
export type DossierState = components["schemas"]["DossierState"];
export type DossierView = components["schemas"]["DossierView"];
export type MessageView = components["schemas"]["MessageView"];
export type MessageContent = components["schemas"]["MessageContent"];
export type MailView = components["schemas"]["MailView"];
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

/** Where the APIs answer. Locally the gateway serves the app and the APIs on one port (""). In AWS
 * the site is its own CloudFront origin, so the build is told the platform's public URL
 * (`VITE_RESPITE_API_URL`, the CSP's connect-src), and the APIs allow the site's origin (CORS). */
export const API_URL: string = import.meta.env.VITE_RESPITE_API_URL ?? "";

export function apiClient(token: () => string | null, language: () => string, onUnauthorized: () => void) {
  const client = createClient<paths>({ baseUrl: API_URL });
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
