import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiClient } from "../../api/client";
import type { components, paths } from "../../api/schema";
import { type Language, money } from "../../i18n";
import type { PlanTexts, ProposalKind } from "../../texts/plan";
import { basisPoints, cents, scheduleText } from "./amounts";
import type { OfficeNames } from "./CaseworkerActions";
import { uploadBudget } from "../../upload";
import { ConfirmAction, outcomeOf } from "./ConfirmAction";

type Preview = components["schemas"]["ProposalPreview"];
type Proposal = components["schemas"]["ProposeSettlement"];
type Figures = NonNullable<paths["/claims/dossiers/{dossier_id}/proposals"]["get"]["parameters"]["query"]>;
type Shown = { preview: Preview } | { problem: string } | null;

const KINDS: readonly ProposalKind[] = ["instalments", "buy_out"];
const NO_PLAN = { monthly_capacity: null, percentage_bp: null, budget_document_id: null } as const;
const PREVIEW_DELAY_MS = 300; // typing pauses this long before the preview is asked for

type Props = {
  p: PlanTexts;
  language: Language;
  client: ApiClient;
  dossierId: string;
  names: OfficeNames;
  onProposed: () => void;
};

/** The proposal form with its live preview: the API computes the plan (GET …/proposals with the
 * proposal's figures: the calculation the proposal itself uses), so the figures shown are the ones the
 * offices will receive. */
export function PlanPanel({ p, language, client, dossierId, names, onProposed }: Props) {
  const [kind, setKind] = useState<ProposalKind>("instalments");
  const [typed, setTyped] = useState({ instalments: "", buy_out: "" });
  const [shown, setShown] = useState<Shown>(null);
  const [updating, setUpdating] = useState(false);
  const latest = useRef(0); // the newest input: an answer to an older one is dropped
  const [budget, setBudget] = useState<File | null>(null);
  // the budget uploaded once per file: a retried confirmation sends the same proposal again
  const uploaded = useRef<{ file: File; documentId: string } | null>(null);
  const proposal = proposalOf(kind, typed[kind]);
  const invalid = typed[kind].trim() !== "" && proposal === null;

  useEffect(() => {
    const asked = ++latest.current;
    if (!proposal) {
      setShown(null);
      setUpdating(false);
      return;
    }
    setUpdating(true);
    const timer = setTimeout(async () => {
      const { data, error } = await client.GET("/claims/dossiers/{dossier_id}/proposals", {
        params: { path: { dossier_id: dossierId }, query: figuresOf(proposal) },
      });
      if (asked !== latest.current) return;
      setUpdating(false);
      setShown(data ? { preview: data } : outcomeOf(p, error, false));
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [client, dossierId, kind, typed[kind]]);

  const preview = shown && "preview" in shown ? shown.preview : null;
  const field = kind === "instalments" ? p.capacity : p.percentage;
  const hint = kind === "instalments" ? p.amountHint : p.percentageHint;
  return (
    <section aria-labelledby="plan" class="neg-panel">
      <h3 id="plan">{p.plan}</h3>
      <fieldset class="choice">
        <legend>{p.kind}</legend>
        {KINDS.map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="plan-kind"
              value={option}
              checked={kind === option}
              onChange={() => setKind(option)}
            />{" "}
            {p.kinds[option]}
          </label>
        ))}
      </fieldset>
      <label class="stack narrow">
        <span>{field}</span>
        <input
          inputMode="decimal"
          autoComplete="off"
          value={typed[kind]}
          aria-invalid={invalid}
          aria-describedby="plan-hint"
          onInput={(e) => setTyped({ ...typed, [kind]: e.currentTarget.value })}
        />
        <span id="plan-hint" class={invalid ? "error" : "hint"}>
          {invalid ? (kind === "instalments" ? p.invalidAmount : p.invalidPercentage) : hint}
        </span>
      </label>

      <section aria-labelledby="preview" class="preview">
        <h4 id="preview">{p.previewHeading}</h4>
        <p aria-live="polite" class={shown && "problem" in shown ? "error" : undefined}>
          {updating
            ? p.previewUpdating
            : preview
              ? p.previewSummary(money(preview.total_offered, language), money(preview.total_outstanding, language))
              : shown && "problem" in shown
                ? shown.problem
                : p.previewEmpty}
        </p>
        {preview && <PreviewTables p={p} language={language} preview={preview} names={names} />}
        {preview && preview.vtlb_required.length > 0 && (
          <p class="error">{p.vtlbNeeded(names.list(preview.vtlb_required))}</p>
        )}
      </section>

      <label class="stack narrow">
        <span>{p.budget}</span>
        <input
          type="file"
          accept="application/pdf"
          aria-describedby="budget-hint"
          onChange={(e) => setBudget(e.currentTarget.files?.[0] ?? null)}
        />
        <span id="budget-hint" class="hint">
          {p.budgetHint}
        </span>
      </label>

      <ConfirmAction
        p={p}
        label={p.propose}
        title={p.proposeTitle}
        explain={p.proposeExplain(preview?.parts.length ?? 0)}
        disabled={!preview || updating || !proposal}
        run={async (key) => {
          if (!proposal) return { problem: p.failed };
          let budgetDocumentId: string | null = null;
          if (budget) {
            if (uploaded.current?.file !== budget) {
              const outcome = await uploadBudget(client, dossierId, budget);
              if (!("documentId" in outcome)) return { problem: p.budgetFailed };
              uploaded.current = { file: budget, documentId: outcome.documentId };
            }
            budgetDocumentId = uploaded.current.documentId;
          }
          const { error, response } = await client.POST("/claims/dossiers/{dossier_id}/proposals", {
            params: { path: { dossier_id: dossierId }, header: { "Idempotency-Key": key } },
            body: { ...proposal, budget_document_id: budgetDocumentId },
          });
          return outcomeOf(p, error, response.ok);
        }}
        onDone={onProposed}
      />
    </section>
  );
}

function proposalOf(kind: ProposalKind, typed: string): Proposal | null {
  if (kind === "instalments") {
    const capacity = cents(typed);
    return capacity === null ? null : { ...NO_PLAN, kind, monthly_capacity: capacity };
  }
  const points = basisPoints(typed);
  return points === null ? null : { ...NO_PLAN, kind, percentage_bp: points };
}

/** The proposal's figures as the preview's query: only those it has. */
function figuresOf(proposal: Proposal): Figures {
  const { kind, monthly_capacity, percentage_bp } = proposal;
  return {
    kind,
    ...(monthly_capacity === null ? {} : { monthly_capacity }),
    ...(percentage_bp === null ? {} : { percentage_bp }),
  };
}

function PreviewTables(props: { p: PlanTexts; language: Language; preview: Preview; names: OfficeNames }) {
  const { p, language, preview, names } = props;
  const perMonth = (monthly: number[] | null | undefined) => scheduleText(monthly, language, p.once);
  const rows = (
    entries: { label: string; outstanding: number; offered: number; monthly?: number[] | null }[],
  ) =>
    entries.map((entry) => (
      <tr key={entry.label}>
        <th scope="row">{entry.label}</th>
        <td class="number">{money(entry.outstanding, language)}</td>
        <td class="number">{perMonth(entry.monthly)}</td>
        <td class="number">{money(entry.offered, language)}</td>
      </tr>
    ));
  const table = (caption: string, rowHeader: string, body: preact.ComponentChildren) => (
    <div class="scroll" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{rowHeader}</th>
            <th scope="col" class="number">
              {p.outstanding}
            </th>
            <th scope="col" class="number">
              {p.perMonth}
            </th>
            <th scope="col" class="number">
              {p.offered}
            </th>
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
    </div>
  );
  return (
    <>
      {table(
        p.perCreditor,
        p.creditor,
        rows(preview.parts.map((part) => ({ ...part, label: names.of(part.office_id) }))),
      )}
      {table(
        p.perClass,
        p.creditorClass,
        rows(preview.classes.map((c) => ({ ...c, label: p.classes[c.creditor_class] }))),
      )}
    </>
  );
}
