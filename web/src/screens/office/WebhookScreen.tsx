import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../../api/client";
import { useHeadingFocus } from "../../focus";
import { type Language, moment, type texts } from "../../i18n";
import type { OfficeTexts } from "../../texts/office";
import { Field } from "./ClaimFields";

type Props = { t: ReturnType<typeof texts>; o: OfficeTexts; language: Language; client: ApiClient };

type Issued = { secret: string; previousValidUntil: string | null };

/** The office's webhook URL, and a new webhook secret shown this once. */
export function WebhookScreen({ t, o, language, client }: Props) {
  const heading = useHeadingFocus<HTMLHeadingElement>();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    void client.GET("/claims/webhook").then(({ data }) => {
      if (data) setUrl(data.webhook_url ?? "");
      else setError(t.unavailable);
    });
  }, [client]);

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    setSaved(false);
    const { data, error: problem } = await client.POST("/claims/webhook", {
      body: { webhook_url: url?.trim() ? url.trim() : null },
    });
    if (data) {
      setError(null);
      setSaved(true);
      return;
    }
    const invalid = (problem as { invalid_params?: { reason: string }[]; detail?: string } | undefined) ?? {};
    setError(invalid.invalid_params?.[0]?.reason ?? invalid.detail ?? t.unavailable);
  };

  const rotate = async () => {
    setCopied(false);
    const { data } = await client.POST("/claims/webhook/secrets", {});
    if (data) setIssued({ secret: data.webhook_secret, previousValidUntil: data.previous_valid_until ?? null });
    else setError(t.unavailable);
  };

  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {o.webhook}
      </h1>
      {url === null ? (
        <p aria-live="polite">{t.loading}</p>
      ) : (
        <form onSubmit={save} class="stack narrow-form" noValidate>
          <Field id="webhook_url" label={o.webhookUrl} hint={o.webhookHint} error={error ?? undefined}>
            {(described) => (
              <input
                id="webhook_url"
                type="url"
                value={url}
                placeholder={o.noWebhook}
                {...described}
                onInput={(e) => setUrl(e.currentTarget.value)}
              />
            )}
          </Field>
          {saved && <p role="status">{o.saved}</p>}
          <button type="submit">{o.save}</button>
        </form>
      )}
      <h2>{o.secret}</h2>
      <p>{o.secretHint}</p>
      <button type="button" class="secondary" onClick={() => void rotate()}>
        {o.rotate}
      </button>
      {issued && (
        <div class="secret" role="status">
          <p>
            <strong>{o.newSecret}</strong> — {o.shownOnce}
          </p>
          <label for="new-secret" class="visually-hidden">
            {o.newSecret}
          </label>
          <input id="new-secret" readOnly value={issued.secret} onFocus={(e) => e.currentTarget.select()} />
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(issued.secret).then(() => setCopied(true))}
          >
            {o.copy}
          </button>
          {copied && <span> {o.copied}</span>}
          {issued.previousValidUntil && (
            <p>
              {o.previousValidUntil} {moment(issued.previousValidUntil, language)}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
