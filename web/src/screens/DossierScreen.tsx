import { useEffect, useState } from "preact/hooks";
import type {
  Amounts,
  ApiClient,
  ClaimView,
  CreditorClass,
  DossierView,
  AttachmentView,
  MailView,
  MessageContent,
  MessageView,
} from "../api/client";
import { officeName } from "../casework";
import { useOffices } from "../directory";
import { useHeadingFocus } from "../focus";
import { day, type Language, money, moment, type texts } from "../i18n";
import { AccessLog } from "../panels/AccessLog";
import { OfficeMessages } from "../panels/OfficeMessages";
import { SignedForm } from "../panels/SignedForm";
import { Statement } from "../panels/Statement";
import { CaseworkerActions } from "./negotiation/CaseworkerActions";

type T = ReturnType<typeof texts>;
type Props = { t: T; language: Language; client: ApiClient; dossierId: string; onBack: () => void };
type Loaded = { dossier: DossierView } | { missing: true } | { failed: true } | null;

const CLASSES: readonly CreditorClass[] = ["preferential", "ordinary"];
const AMOUNTS: readonly (keyof Amounts)[] = ["principal", "interest", "costs", "paid", "outstanding"];

/** The dossier, read-only: who, what is owed to whom, and every message with what each answer said. */
export function DossierScreen({ t, language, client, dossierId, onBack }: Props) {
  const heading = useHeadingFocus<HTMLHeadingElement>();
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [version, setVersion] = useState(0); // an action changed the dossier: read it again
  const reload = () => setVersion((read) => read + 1);
  const offices = useOffices(client);

  useEffect(() => {
    void (async () => {
      const { data, response } = await client.GET("/consent/dossiers/{dossier_id}", {
        params: { path: { dossier_id: dossierId } },
      });
      if (data) setLoaded({ dossier: data });
      else if (response.status === 404 || response.status === 410) setLoaded({ missing: true });
      else setLoaded({ failed: true });
    })();
  }, [client, dossierId, version]);

  const back = (
    <a
      href="/"
      class="back"
      onClick={(event) => {
        event.preventDefault();
        onBack();
      }}
    >
      ← {t.back}
    </a>
  );
  if (loaded === null || !("dossier" in loaded)) {
    return (
      <section>
        {back}
        <h1 ref={heading} tabIndex={-1}>
          {t.dossiers}
        </h1>
        {loaded === null ? (
          <p aria-live="polite">{t.loading}</p>
        ) : (
          <p role="alert" class="error">
            {"missing" in loaded ? t.notFound : t.unavailable}
          </p>
        )}
      </section>
    );
  }
  const dossier = loaded.dossier;
  const person = dossier.person;
  const ctx = { t, language, offices, client, dossierId: dossier.dossier_id };
  return (
    <article class="dossier">
      {back}
      <h1 ref={heading} tabIndex={-1}>
        {person.given_names} {person.family_name}
      </h1>
      <p class="subtitle">
        <span class={`state state-${dossier.state}`}>{t.states[dossier.state]}</span>{" "}
        <span>{dossier.agency_reference ?? dossier.dossier_id}</span>
      </p>

      <section aria-labelledby="person">
        <h2 id="person">{t.person}</h2>
        <dl class="facts">
          <Fact term={t.name}>
            {person.given_names} {person.family_name}
          </Fact>
          <Fact term={t.birthDate}>{day(person.birth_date, language)}</Fact>
          <Fact term={t.nationalNumber}>
            {person.national_number.number} ({person.national_number.country})
          </Fact>
          <Fact term={t.address}>
            {person.address.street} {person.address.number}, {person.address.postal_code} {person.address.city}{" "}
            ({person.address.country})
          </Fact>
          <Fact term={t.consent}>
            {t.consentGiven} {moment(dossier.consent.captured_at, language)} ({dossier.consent.language.toUpperCase()})
          </Fact>
          <Fact term={t.standstillEnds}>
            {dossier.standstill_ends_on ? day(dossier.standstill_ends_on, language) : "—"}
          </Fact>
        </dl>
      </section>

      {dossier.pending_replies.length > 0 && (
        <section aria-labelledby="pending">
          <h2 id="pending">{t.pendingReplies}</h2>
          <ul class="plain">
            {dossier.pending_replies.map((reply) => (
              <li key={reply.message_id}>
                {t.messageTypes[reply.type]} — {officeName(offices, reply.office_id)} — {t.replyDue} {day(reply.reply_due_on, language)}
                {reply.overdue && <span class="overdue"> {t.overdue}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="totals">
        <h2 id="totals">{t.totals}</h2>
        <AmountsTable
          {...ctx}
          caption={t.totals}
          rowHeader={t.byClass}
          rows={[
            [t.totals, dossier.totals],
            ...CLASSES.flatMap((c): [string, Amounts][] => {
              const amounts = dossier.totals_by_class[c];
              return amounts ? [[t.classes[c], amounts]] : [];
            }),
          ]}
        />
      </section>

      <section aria-labelledby="creditors">
        <h2 id="creditors">{t.creditors}</h2>
        {dossier.creditors.length === 0 && <p>—</p>}
        {dossier.creditors.map((creditor) => (
          <section key={creditor.office_id} class="creditor" aria-labelledby={`creditor-${creditor.office_id}`}>
            <h3 id={`creditor-${creditor.office_id}`}>
              {officeName(offices, creditor.office_id)}
            </h3>
            <AmountsTable
              {...ctx}
              caption={`${t.claims}: ${officeName(offices, creditor.office_id)}`}
              rowHeader={t.claim}
              rows={CLASSES.flatMap((c) =>
                (creditor.claims[c] ?? []).map((claim: ClaimView): [string, Amounts] => [
                  `${claim.office_reference} (${t.classes[c]})`,
                  claim.amounts,
                ]),
              ).concat([[t.totals, creditor.totals]])}
            />
          </section>
        ))}
      </section>

      {(dossier.standstill ?? []).length > 0 && (
        <section aria-labelledby="standstill">
          <h2 id="standstill">{t.standstillPerCreditor}</h2>
          <div class="scroll" tabIndex={0} role="region" aria-label={t.standstillPerCreditor}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.creditor}</th>
                  <th scope="col">{t.state}</th>
                  <th scope="col">{t.until}</th>
                  <th scope="col">{t.objection}</th>
                </tr>
              </thead>
              <tbody>
                {(dossier.standstill ?? []).map((creditor) => (
                  <tr key={creditor.office_id}>
                    <th scope="row">{officeName(offices, creditor.office_id)}</th>
                    <td class={creditor.status === "objected" ? "overdue" : undefined}>
                      {t.standstillStatus[creditor.status]}
                    </td>
                    <td>{creditor.ends_on ? day(creditor.ends_on, language) : "—"}</td>
                    <td>
                      {creditor.objected_at
                        ? `${moment(creditor.objected_at, language)}: ${creditor.objection_reason ?? ""}`
                        : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      {dossier.state === "awaiting_signed_form" && (
        <SignedForm client={client} language={language} dossierId={dossier.dossier_id} onAdded={reload} />
      )}
      <OfficeMessages client={client} language={language} dossier={dossier} onSent={reload} />
      <CaseworkerActions
        language={language}
        client={client}
        dossier={dossier}
        onChanged={reload}
        onWithdrawn={onBack}
      />

      <section aria-labelledby="messages">
        <h2 id="messages">{t.messages}</h2>
        <ol class="messages">
          {dossier.messages.map((message) => (
            <Message key={message.message_id} {...ctx} message={message} />
          ))}
        </ol>
      </section>

      {(dossier.mails ?? []).length > 0 && (
        <section aria-labelledby="mails">
          <h2 id="mails">{t.mails}</h2>
          <ol class="messages">
            {(dossier.mails ?? []).map((mail) => (
              <Mail key={mail.mail_id} {...ctx} mail={mail} />
            ))}
          </ol>
        </section>
      )}

      <Statement t={t} language={language} client={client} dossierId={dossier.dossier_id} />
      <AccessLog t={t} language={language} client={client} dossierId={dossier.dossier_id} />
    </article>
  );
}

function Fact({ term, children }: { term: string; children: preact.ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function AmountsTable({
  t,
  language,
  caption,
  rowHeader,
  rows,
}: {
  t: T;
  language: Language;
  caption: string;
  rowHeader: string;
  rows: [string, Amounts][];
}) {
  return (
    // a phone scrolls a wide table sideways; the region takes the focus so a keyboard can too
    <div class="scroll" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{rowHeader}</th>
            {AMOUNTS.map((name) => (
              <th key={name} scope="col" class="number">
                {t[name]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, amounts], index) => (
            <tr key={index}>
              <th scope="row">{label}</th>
              {AMOUNTS.map((name) => (
                <td key={name} class="number">
                  {money(amounts[name], language)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Offices = ReturnType<typeof useOffices>;

type Shown = { t: T; language: Language; offices: Offices; client: ApiClient; dossierId: string };

function Message({ t, language, offices, client, dossierId, message }: Shown & { message: MessageView }) {
  const body: Partial<MessageContent> = message.body ?? {};
  return (
    <li class="message">
      <h3>{t.messageTypes[message.type]}</h3>
      <dl class="facts">
        <Fact term={t.from}>{officeName(offices, message.sender)}</Fact>
        <Fact term={t.to}>{officeName(offices, message.receiver)}</Fact>
        <Fact term={t.sent}>{moment(message.created_at, language)}</Fact>
        {message.reply_due_on && <Fact term={t.replyDue}>{day(message.reply_due_on, language)}</Fact>}
        {message.answered_at && <Fact term={t.answered}>{moment(message.answered_at, language)}</Fact>}
        {message.claims_received != null && <Fact term={t.claimsReceived}>{message.claims_received}</Fact>}
        {body.standstill && (
          <Fact term={t.standstill}>{body.standstill === "requested" ? t.requested : body.standstill}</Fact>
        )}
        {body.outstanding != null && <Fact term={t.outstanding}>{money(body.outstanding, language)}</Fact>}
        {body.offered != null && <Fact term={t.offered}>{money(body.offered, language)}</Fact>}
        {body.monthly && body.monthly.length > 0 && (
          <Fact term={t.monthly}>
            {body.monthly.length} × {money(body.monthly[0] ?? 0, language)}
          </Fact>
        )}
        {body.reason && <Fact term={t.reason}>{reasonText(t, message.type, body.reason)}</Fact>}
        {body.comment && <Fact term={t.comment}>{body.comment}</Fact>}
        {body.file_references && body.file_references.length > 0 && (
          <Fact term={t.fileReferences}>{body.file_references.join(", ")}</Fact>
        )}
        {message.attachments && message.attachments.length > 0 && (
          <Fact term={t.attachments}>
            <Documents t={t} client={client} dossierId={dossierId} documents={message.attachments} />
          </Fact>
        )}
      </dl>
    </li>
  );
}

/** A refusal's reason is one of a list (shown in words); a rejection's is the office's own words. */
function reasonText(t: T, type: MessageView["type"], reason: string): string {
  return type === "no_cooperation" ? (t.noCooperation[reason as keyof T["noCooperation"]] ?? reason) : reason;
}

function Mail({ t, language, offices, client, dossierId, mail }: Shown & { mail: MailView }) {
  return (
    <li class="message">
      <h3>{mail.subject}</h3>
      <dl class="facts">
        <Fact term={t.from}>{officeName(offices, mail.office_id)}</Fact>
        <Fact term={t.sent}>{moment(mail.received_at, language)}</Fact>
        {mail.attachments && mail.attachments.length > 0 && (
          <Fact term={t.attachments}>
            <Documents t={t} client={client} dossierId={dossierId} documents={mail.attachments} />
          </Fact>
        )}
      </dl>
      <p class="mail-body">{mail.body}</p>
    </li>
  );
}

/** Documents an office sent (attachments of its answer or its mail): each name fetches a short-lived
 * link (the read is logged) and opens it. */
function Documents(props: { t: T; client: ApiClient; dossierId: string; documents: AttachmentView[] }) {
  const { t, client, dossierId, documents } = props;
  const [failed, setFailed] = useState(false);
  const open = async (documentId: string) => {
    const { data } = await client.GET("/consent/dossiers/{dossier_id}/documents/{document_id}", {
      params: { path: { dossier_id: dossierId, document_id: documentId } },
    });
    setFailed(!data);
    if (data) window.open(data.download_url, "_blank", "noopener");
  };
  return (
    <>
      <ul class="documents">
        {documents.map((document) => (
          <li key={document.document_id}>
            <button type="button" class="link" onClick={() => void open(document.document_id)}>
              <span aria-hidden="true">{document.name}</span>
              <span class="visually-hidden">{t.download(document.name)}</span>
            </button>
          </li>
        ))}
      </ul>
      {failed && (
        <p role="alert" class="error">
          {t.downloadFailed}
        </p>
      )}
    </>
  );
}
