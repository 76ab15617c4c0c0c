// Cognito's user-pool API, called from the browser as AWS's own SDKs do: a JSON POST with the operation in
// X-Amz-Target. Only the unauthenticated operations of sign-in are used (no AWS credentials involved).
import { config } from "./config";

export class CognitoError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function endpoint(): string {
  const { cognito_endpoint, user_pool_id } = config();
  const region = user_pool_id.split("_")[0];
  return cognito_endpoint ?? `https://cognito-idp.${region}.amazonaws.com/`;
}

async function call<T>(operation: string, body: Record<string, unknown>): Promise<T> {
  const response = await fetch(endpoint(), {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    // "__type" is the exception's name, sometimes prefixed with its namespace
    const code = String(answer.__type ?? "UnknownError").split("#").pop()!;
    throw new CognitoError(code, String(answer.message ?? answer.Message ?? ""));
  }
  return answer as T;
}

export type Tokens = { IdToken: string; AccessToken: string; ExpiresIn: number };

/** What Cognito answers a step of signing in: tokens, or the next challenge with its session. */
export type AuthAnswer = {
  AuthenticationResult?: Tokens;
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
};

export const initiateAuth = (username: string, password: string) =>
  call<AuthAnswer>("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: config().web_client_id,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });

export const respondToAuthChallenge = (
  challenge: string,
  session: string,
  responses: Record<string, string>,
) =>
  call<AuthAnswer>("RespondToAuthChallenge", {
    ChallengeName: challenge,
    ClientId: config().web_client_id,
    Session: session,
    ChallengeResponses: responses,
  });

export const associateSoftwareToken = (session: string) =>
  call<{ SecretCode: string; Session?: string }>("AssociateSoftwareToken", { Session: session });

export const verifySoftwareToken = (session: string, code: string) =>
  call<{ Status: string; Session?: string }>("VerifySoftwareToken", {
    Session: session,
    UserCode: code,
    FriendlyDeviceName: "Respite",
  });
