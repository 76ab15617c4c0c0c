import { describe, expect, it } from "vitest";
import { otpAuthUri } from "./auth";

describe("the authenticator app's link", () => {
  it("names Respite and the account, and carries the key as Cognito gave it", () => {
    expect(otpAuthUri("anna@ocmw-gent.example", "JBSWY3DPEHPK3PXP")).toBe(
      "otpauth://totp/Respite%3Aanna%40ocmw-gent.example?secret=JBSWY3DPEHPK3PXP&issuer=Respite",
    );
  });
});
