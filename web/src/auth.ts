// Signing in, at Cognito (USER_PASSWORD_AUTH, then the challenges Cognito sets: a new password on the
// first sign-in, setting up an authenticator app, its code). The app keeps the tokens for this tab only
// (sessionStorage); the APIs check them, the app only reads the id token's claims. They say who signed
// in: a person at an office (in the Cognito group `office-<id>`) gets the office portal and calls with
// the access token (office routes take access tokens only); a caseworker (`custom:role`) gets the
// caseworker app and calls with the id token.
import {
  type AuthAnswer,
  associateSoftwareToken,
  CognitoError,
  initiateAuth,
  respondToAuthChallenge,
  type Tokens,
  verifySoftwareToken,
} from "./cognito";

const ID_TOKEN = "respite.id_token";
const ACCESS_TOKEN = "respite.access_token";
const OFFICE_GROUP_PREFIX = "office-";

export type Session = {
  idToken: string;
  accessToken: string;
  username: string;
  role: string;
  /** The office of a person at an office; null for a caseworker. */
  officeId: string | null;
};

/** Where signing in stands: in, or the next thing Cognito asks for. */
export type Step =
  | { kind: "done"; session: Session }
  | { kind: "new_password"; username: string; challenge: string }
  | { kind: "code"; username: string; challenge: string }
  | { kind: "enrol"; username: string; challenge: string; secret: string; uri: string };

export class SignInRefused extends Error {} // a wrong email address or password
export class CodeRefused extends Error {} // a wrong or expired authenticator code
export class PasswordRefused extends Error {} // a new password the policy refuses (Cognito says why)
export class SignInExpired extends Error {} // a challenge answered too late: start again

const refusal = (failure: unknown): never => {
  if (failure instanceof CognitoError) {
    if (failure.code === "NotAuthorizedException" || failure.code === "UserNotFoundException") {
      throw new SignInRefused();
    }
    if (["CodeMismatchException", "EnableSoftwareTokenMFAException", "ExpiredCodeException"].includes(failure.code)) {
      throw new CodeRefused();
    }
    if (failure.code === "InvalidPasswordException") throw new PasswordRefused(failure.message);
  }
  throw failure;
};

const challengeRefusal = (failure: unknown): never => {
  // during a challenge, "not authorized" means the session ran out (Cognito gives three minutes)
  if (failure instanceof CognitoError && failure.code === "NotAuthorizedException") throw new SignInExpired();
  return refusal(failure);
};

export async function signIn(username: string, password: string): Promise<Step> {
  return next(username, await initiateAuth(username, password).catch(refusal));
}

export async function chooseNewPassword(step: Step & { kind: "new_password" }, password: string): Promise<Step> {
  const answer = await respondToAuthChallenge("NEW_PASSWORD_REQUIRED", step.challenge, {
    USERNAME: step.username,
    NEW_PASSWORD: password,
  }).catch(challengeRefusal);
  return next(step.username, answer);
}

export async function giveCode(step: Step & { kind: "code" }, code: string): Promise<Step> {
  const answer = await respondToAuthChallenge("SOFTWARE_TOKEN_MFA", step.challenge, {
    USERNAME: step.username,
    SOFTWARE_TOKEN_MFA_CODE: code,
  }).catch(challengeRefusal);
  return next(step.username, answer);
}

export async function enrol(step: Step & { kind: "enrol" }, code: string): Promise<Step> {
  const verified = await verifySoftwareToken(step.challenge, code).catch(challengeRefusal);
  const answer = await respondToAuthChallenge("MFA_SETUP", verified.Session ?? step.challenge, {
    USERNAME: step.username,
  }).catch(challengeRefusal);
  return next(step.username, answer);
}

async function next(typed: string, answer: AuthAnswer): Promise<Step> {
  if (answer.AuthenticationResult) return { kind: "done", session: keep(answer.AuthenticationResult) };
  // Cognito's own name for the user (with sign-in by email it is not the address typed)
  const username = answer.ChallengeParameters?.USER_ID_FOR_SRP ?? answer.ChallengeParameters?.USERNAME ?? typed;
  const challenge = answer.Session ?? "";
  switch (answer.ChallengeName) {
    case "NEW_PASSWORD_REQUIRED":
      return { kind: "new_password", username, challenge };
    case "SOFTWARE_TOKEN_MFA":
      return { kind: "code", username, challenge };
    case "MFA_SETUP": {
      const { SecretCode, Session } = await associateSoftwareToken(challenge).catch(challengeRefusal);
      return { kind: "enrol", username, challenge: Session ?? challenge, secret: SecretCode, uri: otpAuthUri(typed, SecretCode) };
    }
  }
  throw new Error(`Cognito asked for ${answer.ChallengeName ?? "nothing known"}`);
}

/** What an authenticator app scans or is given: the account (the address typed) and its secret. */
export function otpAuthUri(account: string, secret: string): string {
  const label = encodeURIComponent(`Respite:${account}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=Respite`;
}

function keep(tokens: Tokens): Session {
  sessionStorage.setItem(ID_TOKEN, tokens.IdToken);
  sessionStorage.setItem(ACCESS_TOKEN, tokens.AccessToken);
  return sessionOf(tokens.IdToken, tokens.AccessToken)!;
}

export function signOut(): void {
  sessionStorage.removeItem(ID_TOKEN);
  sessionStorage.removeItem(ACCESS_TOKEN);
}

export function storedSession(): Session | null {
  const idToken = sessionStorage.getItem(ID_TOKEN);
  const accessToken = sessionStorage.getItem(ACCESS_TOKEN);
  return idToken && accessToken ? sessionOf(idToken, accessToken) : null;
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
function sessionOf(idToken: string, accessToken: string): Session | null {
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
