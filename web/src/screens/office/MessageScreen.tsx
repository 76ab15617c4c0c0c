import { useState } from "preact/hooks";
import type { ApiClient } from "../../api/client";
import { useHeadingFocus } from "../../focus";
import { day, type Language, moment, money, type texts } from "../../i18n";
import type { OfficeTexts } from "../../texts/office";
import {
  ANSWERS,
  carriesClaims,
  type ClaimRow,
  claimInputs,
  emptyClaim,
  fieldErrors,
  type InboxMessage,
  type MessageType,
  NO_COOPERATION_REASONS,
  type Reply,
  takesReason,
} from "./answers";
import { ClaimFields, Field } from "./ClaimFields";
import { Deadlines } from "./Deadlines";

type Props = {
  t: ReturnType<typeof texts>;
  o: OfficeTexts;
  language: Language;
  client: ApiClient;
  message: InboxMessage;
  onBack: () => void;
  /** The message left the inbox (answered): what to tell the user on the way back. */
  onDone: (said: string) => void;
  /** The message was acknowledged (it stays in the list until answered), at this time. */
  onAcknowledged: (at: string) => void;
};

type Failure = { detail: string; fields: Record<string, string> };

function problemOf(error: unknown, fallback: string): Failure {
  const detail = (error as { detail?: string } | undefined)?.detail;
  return { detail: detail ?? fallback, fields: fieldErrors(error) };
}

export function MessageScreen({ t, o, language, client, message, onBack, onDone, onAcknowledged }: Props) {
  const heading = useHeadingFocus<HTMLHeadingElement>();
  const answers = ANSWERS[message.type] ?? [];
  const path = { dossier_id: message.dossier_id, message_id: message.message_id };
  const [failure, setFailure] = useState<Failure | null>(null);

  const acknowledge = async () => {
    const { data, error } = await client.POST("/claims/dossiers/{dossier_id}/messages/{message_id}/acknowledgement", {
      params: { path },
    });
    if (error || !data) setFailure(problemOf(error, t.unavailable));
    else onAcknowledged(data.acknowledged_at);
  };

  return (
    <section>
      <a
        class="back"
        href="/office"
        onClick={(event) => {
          event.preventDefault();
          onBack();
        }}
      >
        {o.backToInbox}
      </a>
      <h1 ref={heading} tabIndex={-1}>
        {t.messageTypes[message.type]}
      </h1>
      <p class="subtitle">
        {message.agency_name} · {moment(message.created_at, language)}
      </p>
      <Request t={t} o={o} language={language} client={client} message={message} />

      {answers.length > 0 && (
        <AnswerForm t={t} o={o} client={client} message={message} answers={answers} onAnswered={() => onDone(o.answered)} />
      )}
      {(message.type === "notice" || message.type === "balance_request") && (
        <CsvUpload o={o} t={t} client={client} message={message} onAnswered={onDone} />
      )}

      <h2>{o.acknowledge}</h2>
      {message.acknowledged_at ? (
        <p>{o.acknowledgedOn(moment(message.acknowledged_at, language))}</p>
      ) : (
        <>
          <p>{o.acknowledgeHint}</p>
          {failure && !Object.keys(failure.fields).length && (
            <p role="alert" class="error">
              {failure.detail}
            </p>
          )}
          <button type="button" class="secondary" onClick={() => void acknowledge()}>
            {o.acknowledge}
          </button>
        </>
      )}
    </section>
  );
}

function Request({
  t,
  o,
  language,
  client,
  message,
}: Pick<Props, "t" | "o" | "language" | "client" | "message">) {
  const person = message.person;
  const body = message.body as {
    standstill?: string | null;
    kind?: "instalments" | "buy_out" | null;
    outstanding?: number | null;
    offered?: number | null;
    monthly?: number[] | null;
    comment?: string | null;
    reason?: string | null;
  };
  const [links, setLinks] = useState<Record<string, string>>({});
  const [failed, setFailed] = useState(false);

  const fetchLink = async (documentId: string) => {
    const { data, error } = await client.GET(
      "/claims/dossiers/{dossier_id}/messages/{message_id}/documents/{document_id}",
      { params: { path: { dossier_id: message.dossier_id, message_id: message.message_id, document_id: documentId } } },
    );
    if (error || !data) {
      setFailed(true);
      return;
    }
    setLinks((known) => ({ ...known, [documentId]: data.download_url }));
    window.open(data.download_url, "_blank", "noopener");
  };

  return (
    <>
      <h2>{o.request}</h2>
      <dl class="facts">
        <div>
          <dt>{o.dossier}</dt>
          <dd>{message.dossier_id}</dd>
        </div>
        <Deadlines t={t} o={o} language={language} message={message} />
        {body.kind && (
          <div>
            <dt>{o.proposalKind}</dt>
            <dd>{body.kind === "buy_out" ? o.buyOut : o.instalments}</dd>
          </div>
        )}
        {typeof body.outstanding === "number" && (
          <div>
            <dt>{o.outstanding}</dt>
            <dd>{money(body.outstanding, language)}</dd>
          </div>
        )}
        {typeof body.offered === "number" && (
          <div>
            <dt>{o.offered}</dt>
            <dd>{money(body.offered, language)}</dd>
          </div>
        )}
        {body.monthly && body.monthly.length > 0 && (
          <div>
            <dt>{o.monthly}</dt>
            <dd>
              {money(body.monthly[0]!, language)} · {o.months} {body.monthly.length}
            </dd>
          </div>
        )}
        {body.comment && (
          <div>
            <dt>{t.comment}</dt>
            <dd>{body.comment}</dd>
          </div>
        )}
      </dl>
      {body.standstill && <p class="notice">{o.standstill}</p>}
      <h3>{o.person}</h3>
      <dl class="facts">
        <div>
          <dt>{t.name}</dt>
          <dd>
            {person.given_names} {person.family_name}
          </dd>
        </div>
        <div>
          <dt>{o.birthDate}</dt>
          <dd>{day(person.birth_date, language)}</dd>
        </div>
        <div>
          <dt>{o.address}</dt>
          <dd>
            {person.address.street} {person.address.number}, {person.address.postal_code} {person.address.city} (
            {person.address.country})
          </dd>
        </div>
        {person.national_number && (
          <div>
            <dt>{o.nationalNumber}</dt>
            <dd>{person.national_number.number}</dd>
          </div>
        )}
      </dl>
      {(message.documents ?? []).length > 0 && (
        <>
          <h3>{o.documents}</h3>
          <ul class="plain">
            {(message.documents ?? []).map((document) => (
              <li key={document.document_id}>
                {/* the link, once fetched, is short-lived: the button always makes a new one */}
                {links[document.document_id] ? (
                  <a href={links[document.document_id]} target="_blank" rel="noopener">
                    {document.name}
                  </a>
                ) : (
                  document.name
                )}{" "}
                <button type="button" class="link" onClick={() => void fetchLink(document.document_id)}>
                  {o.download}
                  <span class="visually-hidden"> {document.name}</span>
                </button>
              </li>
            ))}
          </ul>
          {failed && (
            <p role="alert" class="error">
              {t.unavailable}
            </p>
          )}
        </>
      )}
    </>
  );
}

function AnswerForm({
  t,
  o,
  client,
  message,
  answers,
  onAnswered,
}: {
  t: ReturnType<typeof texts>;
  o: OfficeTexts;
  client: ApiClient;
  message: InboxMessage;
  answers: readonly MessageType[];
  onAnswered: () => void;
}) {
  const [type, setType] = useState<MessageType>(answers[0]!);
  const [rows, setRows] = useState<ClaimRow[]>([emptyClaim()]);
  const [reason, setReason] = useState("");
  const [comment, setComment] = useState("");
  const [references, setReferences] = useState("");
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonKind = takesReason(type);
  const withClaims = carriesClaims(type);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const { claims, invalid } = withClaims ? claimInputs(rows) : { claims: [], invalid: [] };
    if (invalid.length) {
      setFailure({ detail: o.checkFields, fields: Object.fromEntries(invalid.map((name) => [name, o.notAnAmount])) });
      return;
    }
    const reply: Reply = {
      type,
      reason: reasonKind && reason.trim() ? reason.trim() : null,
      comment: comment.trim() || null,
      file_references: references.split(",").map((r) => r.trim()).filter(Boolean),
      claims,
    };
    setBusy(true);
    const { error } = await client.POST("/claims/dossiers/{dossier_id}/messages/{message_id}/replies", {
      params: { path: { dossier_id: message.dossier_id, message_id: message.message_id } },
      body: reply,
    });
    setBusy(false);
    if (!error) {
      onAnswered();
      return;
    }
    const problem = problemOf(error, t.unavailable);
    setFailure(Object.keys(problem.fields).length ? { ...problem, detail: o.checkFields } : problem);
  };

  const errors = failure?.fields ?? {};
  return (
    <form onSubmit={submit} class="answer" noValidate>
      <h2>{o.answer}</h2>
      <Field id="type" label={o.answerWith} error={errors.type}>
        {(described) => (
          <select id="type" value={type} {...described} onChange={(e) => setType(e.currentTarget.value as MessageType)}>
            {answers.map((answer) => (
              <option key={answer} value={answer}>
                {t.messageTypes[answer]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {reasonKind === "listed" && (
        <Field id="reason" label={o.reason} error={errors.reason}>
          {(described) => (
            <select id="reason" value={reason} required {...described} onChange={(e) => setReason(e.currentTarget.value)}>
              <option value="">—</option>
              {NO_COOPERATION_REASONS.map((r) => (
                <option key={r} value={r}>
                  {t.noCooperation[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {reasonKind === "free" && (
        <Field id="reason" label={o.reasonOptional} error={errors.reason}>
          {(described) => (
            <textarea id="reason" maxLength={500} value={reason} {...described} onInput={(e) => setReason(e.currentTarget.value)} />
          )}
        </Field>
      )}
      {withClaims && (
        <>
          <h3>{o.claims}</h3>
          {rows.map((row, index) => (
            <ClaimFields
              key={index}
              t={t}
              o={o}
              index={index}
              row={row}
              errors={errors}
              onChange={(changed) => setRows(rows.map((r, i) => (i === index ? changed : r)))}
              onRemove={rows.length > 1 ? () => setRows(rows.filter((_, i) => i !== index)) : null}
            />
          ))}
          <button type="button" class="secondary" onClick={() => setRows([...rows, emptyClaim()])}>
            {o.addClaim}
          </button>
        </>
      )}
      <Field id="file_references" label={o.fileReferences} hint={o.fileReferencesHint} error={errors.file_references}>
        {(described) => (
          <input id="file_references" value={references} {...described} onInput={(e) => setReferences(e.currentTarget.value)} />
        )}
      </Field>
      <Field id="comment" label={o.comment} error={errors.comment}>
        {(described) => (
          <textarea id="comment" maxLength={500} value={comment} {...described} onInput={(e) => setComment(e.currentTarget.value)} />
        )}
      </Field>
      {failure && (
        <p role="alert" class="error">
          {failure.detail}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {o.send}
      </button>
    </form>
  );
}

function CsvUpload({
  t,
  o,
  client,
  message,
  onAnswered,
}: {
  t: ReturnType<typeof texts>;
  o: OfficeTexts;
  client: ApiClient;
  message: InboxMessage;
  onAnswered: (said: string) => void;
}) {
  const [rejected, setRejected] = useState<{ line: number; field: string; reason: string }[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const file = (new FormData(event.currentTarget as HTMLFormElement).get("csv") as File | null) ?? null;
    if (!file || !file.size) return;
    setBusy(true);
    const { data, error } = await client.POST("/claims/dossiers/{dossier_id}/messages/{message_id}/claims.csv", {
      params: { path: { dossier_id: message.dossier_id, message_id: message.message_id } },
      body: await file.text(),
      bodySerializer: (body: string) => body,
      headers: { "Content-Type": "text/csv" },
    });
    setBusy(false);
    if (data) {
      onAnswered(`${o.csvStored} ${data.accepted}`);
      return;
    }
    const problem = error as { detail?: string; rejected?: { line: number; field: string; reason: string }[] };
    setRejected(problem?.rejected ?? []);
    setFailure(problem?.detail ?? t.unavailable);
  };

  return (
    <form onSubmit={submit} class="stack csv">
      <h2>{o.csvHeading}</h2>
      <p id="csv-hint">{o.csvHint}</p>
      <label for="csv">{o.csvFile}</label>
      <input id="csv" name="csv" type="file" accept=".csv,text/csv" aria-describedby="csv-hint" required />
      {failure && (
        <div role="alert" class="error">
          <p>{failure}</p>
          {rejected.length > 0 && <p>{o.csvRejected}</p>}
          {rejected.length > 0 && (
            <ul>
              {rejected.map((row) => (
                <li key={`${row.line}-${row.field}`}>
                  {o.line} {row.line}, {row.field}: {row.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <button type="submit" disabled={busy}>
        {o.upload}
      </button>
    </form>
  );
}
