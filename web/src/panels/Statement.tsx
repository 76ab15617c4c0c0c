import { useState } from "preact/hooks";
import type { ApiClient } from "../api/client";
import type { components } from "../api/schema";
import { storedSession } from "../auth";
import { worksCases } from "../casework";
import { day, type Language, money, moment, type texts } from "../i18n";
import { caseworkTexts } from "../texts/casework";

type StatementOfDebts = components["schemas"]["StatementOfDebts"];
type Props = { t: ReturnType<typeof texts>; language: Language; client: ApiClient; dossierId: string };
type Shown = { statement: StatementOfDebts } | { failed: string } | "loading" | null;

/** The statement of debts, read when asked for (each read is logged), with its CSV and PDF. */
export function Statement({ t, language, client, dossierId }: Props) {
  const c = caseworkTexts(language);
  const [shown, setShown] = useState<Shown>(null);
  const [downloadFailed, setDownloadFailed] = useState(false);
  if (!worksCases(storedSession()?.role ?? "")) return null; // a supervisor: 403
  const path = { dossier_id: dossierId };
  const query = { lang: language };

  const show = async () => {
    setShown("loading");
    const { data, error } = await client.GET("/consent/dossiers/{dossier_id}/statement-of-debts", {
      params: { path, query },
    });
    setShown(data ? { statement: data } : { failed: error?.detail ?? t.unavailable });
  };
  const download = async (format: "csv" | "pdf") => {
    setDownloadFailed(false);
    const options = { params: { path, query }, parseAs: "blob" as const };
    const { data } =
      format === "csv"
        ? await client.GET("/consent/dossiers/{dossier_id}/statement-of-debts.csv", options)
        : await client.GET("/consent/dossiers/{dossier_id}/statement-of-debts.pdf", {
            ...options,
            headers: { Accept: "application/pdf" },
          });
    if (!(data instanceof Blob)) {
      setDownloadFailed(true);
      return;
    }
    saveAs(data, `statement-of-debts-${dossierId}.${format}`);
  };

  return (
    <section aria-labelledby="statement" class="panel">
      <h2 id="statement">{c.statement}</h2>
      <div class="buttons">
        <button type="button" onClick={() => void show()} disabled={shown === "loading"}>
          {c.showStatement}
        </button>
        <button type="button" class="secondary" onClick={() => void download("csv")}>
          {c.downloadCsv}
        </button>
        <button type="button" class="secondary" onClick={() => void download("pdf")}>
          {c.downloadPdf}
        </button>
      </div>
      {downloadFailed && (
        <p role="alert" class="error">
          {c.failed}
        </p>
      )}
      {shown === "loading" && <p aria-live="polite">{t.loading}</p>}
      {shown && typeof shown === "object" && "failed" in shown && (
        <p role="alert" class="error">
          {shown.failed}
        </p>
      )}
      {shown && typeof shown === "object" && "statement" in shown && (
        <StatementView t={t} language={language} statement={shown.statement} />
      )}
    </section>
  );
}

function StatementView({ t, language, statement }: { t: Props["t"]; language: Language; statement: StatementOfDebts }) {
  const c = caseworkTexts(language);
  const caption = `${c.statement}: ${statement.agency.name}`;
  return (
    <>
      <p class="hint">
        {c.generatedAt} {moment(statement.generated_at, language)}
        {statement.standstill_ends_on && ` · ${t.standstillEnds} ${day(statement.standstill_ends_on, language)}`}
      </p>
      <div class="scroll" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{c.creditor}</th>
              <th scope="col">{c.reference}</th>
              <th scope="col">{c.principalCreditor}</th>
              <th scope="col" class="number">
                {t.principal}
              </th>
              <th scope="col" class="number">
                {t.outstanding}
              </th>
            </tr>
          </thead>
          <tbody>
            {statement.creditors.flatMap((creditor) => [
              ...creditor.claims.map((claim) => (
                <tr key={claim.claim_id}>
                  <td>{creditor.office_name}</td>
                  <td>
                    {claim.office_reference} ({t.classes[claim.creditor_class]})
                    {claim.enforcement.garnishment_laid && <span class="badge"> {c.garnishment}</span>}
                    {claim.enforcement.public_sale_announced_on && (
                      <span class="badge">
                        {" "}
                        {c.publicSale} {day(claim.enforcement.public_sale_announced_on, language)}
                      </span>
                    )}
                  </td>
                  <td>{claim.principal_creditor}</td>
                  <td class="number">{money(claim.amounts.principal ?? 0, language)}</td>
                  <td class="number">{money(claim.amounts.outstanding ?? 0, language)}</td>
                </tr>
              )),
            ])}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                {t.totals}
              </th>
              <td class="number">{money(statement.totals.principal ?? 0, language)}</td>
              <td class="number">{money(statement.totals.outstanding ?? 0, language)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}

/** Hands a downloaded file to the browser as a download (the API needs the token: no plain link). */
function saveAs(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
