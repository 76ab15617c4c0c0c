import { describe, expect, it } from "vitest";
import { ANSWERS, carriesClaims, centsOf, claimInputs, emptyClaim, fieldErrors, takesReason } from "./answers";

describe("amounts typed in euros", () => {
  it("become cents, exact, in Belgian, Dutch and English writing", () => {
    expect(centsOf("1200,50")).toBe(120050);
    expect(centsOf("1.200,5")).toBe(120050);
    expect(centsOf("1,200.50")).toBe(120050);
    expect(centsOf("€ 80")).toBe(8000);
    expect(centsOf("0,05")).toBe(5);
  });

  it("are refused when they are no amount", () => {
    for (const text of ["", "abc", "12,345", "-5", "1,2,3"]) expect(centsOf(text), text).toBeNull();
  });
});

describe("claims", () => {
  it("are the API's ClaimInput, optional amounts 0, a title and a garnishment kept", () => {
    const row = {
      ...emptyClaim(),
      office_reference: " VH/1 ",
      principal_creditor: "Stad Gent",
      principal: "1200",
      costs: "98,75",
      title_kind: "judgment" as const,
      title_description: "Vonnis Gent 2025",
      garnishment_laid: true,
    };
    const { claims, invalid } = claimInputs([row]);
    expect(invalid).toEqual([]);
    expect(claims[0]).toMatchObject({
      office_reference: "VH/1",
      principal: 120000,
      interest: 0,
      costs: 9875,
      paid: 0,
      title_kind: "judgment",
      garnishment_laid: true,
      public_sale_announced_on: null,
    });
  });

  it("name each field that is no amount by the API's path", () => {
    const { invalid } = claimInputs([emptyClaim(), { ...emptyClaim(), principal: "10", paid: "x" }]);
    expect(invalid).toEqual(["claims.0.principal", "claims.1.paid"]);
  });
});

describe("answers", () => {
  it("follow the catalogue", () => {
    expect(ANSWERS.notice).toContain("notice_ack");
    expect(ANSWERS.proposal).toEqual(["proposal_accept", "proposal_reject"]);
    expect(carriesClaims("balance_reply")).toBe(true);
    expect(carriesClaims("proposal_accept")).toBe(false);
    expect(takesReason("no_cooperation")).toBe("listed");
    expect(takesReason("proposal_reject")).toBe("free");
  });

  it("read a problem's invalid fields", () => {
    const problem = { status: 422, invalid_params: [{ name: "claims.0.principal", reason: "too big" }] };
    expect(fieldErrors(problem)).toEqual({ "claims.0.principal": "too big" });
    expect(fieldErrors(null)).toEqual({});
  });
});
