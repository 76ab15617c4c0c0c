// Signing in. Locally the gateway's POST /local/sign-in plays Cognito's InitiateAuth (USER_PASSWORD_AUTH)
// and answers the same tokens; the app keeps them for this tab only (sessionStorage). The id token says
// who signed in: a person at an office (in the Cognito group `office-<id>`) gets the office portal and
// calls with the access token (office routes take access tokens only); a caseworker (`custom:role`)
// gets the caseworker app and calls with the id token.

const ID_TOKEN_KEY = "respite.id_token";
const ACCESS_TOKEN_KEY = "respite.access_token";
const OFFICE_GROUP_PREFIX = "office-";

export type Session = {
  idToken: string;
  accessToken: string | null;
  username: string;
  role: string;
  /** The office of a person at an office; null for a caseworker. */
  officeId: string | null;
};

export class SignInRefused extends Error {}

export async function signIn(username: string, password: string): Promise<Session> {
  const response = await fetch("/local/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (response.status === 401 || response.status === 400) throw new SignInRefused();
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  const tokens = (await response.json()) as { id_token: string; access_token?: string };
  sessionStorage.setItem(ID_TOKEN_KEY, tokens.id_token);
  if (tokens.access_token) sessionStorage.setItem(ACCESS_TOKEN_KEY, tokens.access_token);
  else sessionStorage.removeItem(ACCESS_TOKEN_KEY);
  return sessionOf(tokens.id_token, tokens.access_token ?? null)!;
}

export function signOut(): void {
  sessionStorage.removeItem(ID_TOKEN_KEY);
  sessionStorage.removeItem(ACCESS_TOKEN_KEY);
}

export function storedSession(): Session | null {
  const token = sessionStorage.getItem(ID_TOKEN_KEY);
  return token ? sessionOf(token, sessionStorage.getItem(ACCESS_TOKEN_KEY)) : null;
}

/** The token the session calls the APIs with: an office's people the access token, caseworkers the id token. */
export function bearerOf(session: Session | null): string | null {
  if (!session) return null;
  return session.officeId ? session.accessToken : session.idToken;
}

/** The one office of the `cognito:groups` claim, or null (none, or several: no portal for either). */
export function officeOf(groups: unknown): string | null {
  const names = Array.isArray(groups) ? groups.map(String) : [];
  const offices = names
    .filter((name) => name.startsWith(OFFICE_GROUP_PREFIX) && name.length > OFFICE_GROUP_PREFIX.length)
    .map((name) => name.slice(OFFICE_GROUP_PREFIX.length));
  return offices.length === 1 ? offices[0]! : null;
}

/** The id token's claims the app shows (the API checks the token; the app only reads it). */
function sessionOf(idToken: string, accessToken: string | null): Session | null {
  try {
    const claims = claimsOf(idToken);
    if (typeof claims.exp === "number" && claims.exp * 1000 < Date.now()) return null;
    const username = String(claims.email ?? claims["cognito:username"] ?? "");
    return {
      idToken,
      accessToken,
      username,
      role: String(claims["custom:role"] ?? ""),
      officeId: officeOf(claims["cognito:groups"]),
    };
  } catch {
    return null;
  }
}

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
}
