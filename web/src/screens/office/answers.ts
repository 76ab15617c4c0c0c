// What an office may answer and how a claim typed in the portal becomes the API's ClaimInput. Pure:
// no DOM, no fetch (tested in answers.test.ts).
import type { components } from "../../api/schema";

export type InboxMessage = components["schemas"]["InboxMessage"];
export type MessageType = components["schemas"]["MessageType"];
export type ClaimInput = components["schemas"]["ClaimInput"];
export type Reply = components["schemas"]["Reply"];
export type TitleKind = components["schemas"]["TitleKind"];
export type CreditorClass = components["schemas"]["CreditorClass"];
export type NoCooperationReason = components["schemas"]["NoCooperationReason"];

/** The reply types that may answer each request (the catalogue's ANSWERS, respite_core.domain). */
export const ANSWERS: Partial<Record<MessageType, readonly MessageType[]>> = {
  notice: ["notice_ack", "no_cooperation", "objection", "not_in_need"],
  balance_request: ["balance_reply", "balance_reply_preapproved", "no_cooperation"],
  proposal: ["proposal_accept", "proposal_reject"],
  reconsideration: ["proposal_accept", "proposal_reject"],
  status_request: ["status_report"],
};

export const TITLE_KINDS: readonly TitleKind[] = ["none", "judgment", "notarial_deed"];
export const CREDITOR_CLASSES: readonly CreditorClass[] = ["ordinary", "preferential"];
export const NO_COOPERATION_REASONS: readonly NoCooperationReason[] = [
  "unknown_person",
  "recent_discharge",
  "recent_attempt",
  "refuses_agency",
];

/** Which replies carry claims, and which a reason (required for no_cooperation, free text else). */
export function carriesClaims(reply: MessageType): boolean {
  return reply === "notice_ack" || reply === "balance_reply" || reply === "balance_reply_preapproved";
}

export function takesReason(reply: MessageType): "listed" | "free" | null {
  if (reply === "no_cooperation") return "listed";
  return reply === "proposal_reject" || reply === "objection" ? "free" : null;
}

/** A claim row as typed: amounts in euros as text. */
export type ClaimRow = {
  office_reference: string;
  principal_creditor: string;
  creditor_class: CreditorClass;
  principal: string;
  interest: string;
  costs: string;
  paid: string;
  title_kind: TitleKind;
  title_description: string;
  public_sale_announced_on: string;
  garnishment_laid: boolean;
};

export function emptyClaim(): ClaimRow {
  return {
    office_reference: "",
    principal_creditor: "",
    creditor_class: "ordinary",
    principal: "",
    interest: "",
    costs: "",
    paid: "",
    title_kind: "none",
    title_description: "",
    public_sale_announced_on: "",
    garnishment_laid: false,
  };
}

/** Euros as typed ("1.200,50", "1200.5", "€ 80") in cents; null when it is no amount. */
export function centsOf(text: string): number | null {
  let cleaned = text.replace(/[€\s\u00a0]/g, "");
  if (cleaned === "") return null;
  const lastComma = cleaned.lastIndexOf(",");
  const lastDot = cleaned.lastIndexOf(".");
  const decimal = lastComma > lastDot ? "," : ".";
  const thousands = decimal === "," ? "." : ",";
  cleaned = cleaned.split(thousands).join("");
  const match = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}

export const AMOUNTS = ["principal", "interest", "costs", "paid"] as const;

/** The claims as the API takes them, or the rows' amount fields that are no amount
 * (`claims.<i>.<field>`, the API's own field paths). An empty optional amount is 0. */
export function claimInputs(rows: readonly ClaimRow[]): { claims: ClaimInput[]; invalid: string[] } {
  const invalid: string[] = [];
  const claims = rows.map((row, index) => {
    const cents = Object.fromEntries(
      AMOUNTS.map((field) => {
        const value = row[field].trim() === "" && field !== "principal" ? 0 : centsOf(row[field]);
        if (value === null) invalid.push(`claims.${index}.${field}`);
        return [field, value ?? 0];
      }),
    ) as Record<(typeof AMOUNTS)[number], number>;
    return {
      office_reference: row.office_reference.trim(),
      principal_creditor: row.principal_creditor.trim(),
      creditor_class: row.creditor_class,
      ...cents,
      currency: "EUR",
      title_kind: row.title_kind,
      title_description: row.title_description.trim(),
      public_sale_announced_on: row.public_sale_announced_on || null,
      garnishment_laid: row.garnishment_laid,
    } satisfies ClaimInput;
  });
  return { claims, invalid };
}

/** The problem's invalid fields by the API's path (e.g. `claims.0.principal`). */
export function fieldErrors(problem: unknown): Record<string, string> {
  const params = (problem as { invalid_params?: { name: string; reason: string }[] } | null)?.invalid_params;
  return Object.fromEntries((params ?? []).map((p) => [p.name, p.reason]));
}

/** The DOM id of a field of the answer form by its API path (`claims.0.principal` -> `claims-0-principal`). */
export function fieldId(path: string): string {
  return path.replace(/\./g, "-");
}
