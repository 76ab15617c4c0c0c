import { describe, expect, it } from "vitest";
import { bearerOf, officeOf, otpAuthUri, type Session } from "./auth";

describe("which side a session gets", () => {
  it("is an office's portal for exactly one office group", () => {
    expect(officeOf(["office-vanhove"])).toBe("vanhove");
    expect(officeOf(["admins", "office-vanhove"])).toBe("vanhove");
    expect(officeOf(["office-vanhove", "office-lambert"])).toBeNull();
    expect(officeOf(["office-"])).toBeNull();
    expect(officeOf(undefined)).toBeNull();
  });

  it("calls with the access token at an office, the id token as a caseworker", () => {
    const session: Session = { idToken: "id", accessToken: "access", username: "u", role: "", officeId: null };
    expect(bearerOf({ ...session, officeId: "vanhove" })).toBe("access");
    expect(bearerOf({ ...session, role: "caseworker" })).toBe("id");
    expect(bearerOf(null)).toBeNull();
  });
});

describe("the authenticator app's link", () => {
  it("names Respite and the account, and carries the key as Cognito gave it", () => {
    expect(otpAuthUri("anna@ocmw-gent.example", "JBSWY3DPEHPK3PXP")).toBe(
      "otpauth://totp/Respite%3Aanna%40ocmw-gent.example?secret=JBSWY3DPEHPK3PXP&issuer=Respite",
    );
  });
});
