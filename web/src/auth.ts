// Signing in. Locally the gateway's POST /local/sign-in plays Cognito's InitiateAuth (USER_PASSWORD_AUTH)
// and answers the same tokens; the app keeps the id token for this tab only (sessionStorage).

const TOKEN_KEY = "respite.id_token";

export type Session = { idToken: string; username: string; role: string };

export class SignInRefused extends Error {}

export async function signIn(username: string, password: string): Promise<Session> {
  const response = await fetch("/local/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (response.status === 401 || response.status === 400) throw new SignInRefused();
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  const tokens = (await response.json()) as { id_token: string };
  sessionStorage.setItem(TOKEN_KEY, tokens.id_token);
  return sessionOf(tokens.id_token)!;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function storedSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? sessionOf(token) : null;
}

/** The id token's claims the app shows (the API checks the token; the app only reads it). */
function sessionOf(idToken: string): Session | null {
  try {
    const payload = idToken.split(".")[1] ?? "";
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    if (typeof claims.exp === "number" && claims.exp * 1000 < Date.now()) return null;
    const username = String(claims.email ?? claims["cognito:username"] ?? "");
    return { idToken, username, role: String(claims["custom:role"] ?? "") };
  } catch {
    return null;
  }
}
