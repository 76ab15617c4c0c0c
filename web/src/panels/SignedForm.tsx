import { useState } from "preact/hooks";
import type { ApiClient } from "../api/client";
import type { Language } from "../i18n";
import { Field } from "./Field";
import { caseworkTexts } from "../texts/casework";
import { ACCEPTED_FORMS, uploadSignedForm } from "../upload";

type Props = { client: ApiClient; language: Language; dossierId: string; onAdded: () => void };

/** A dossier awaiting its signed consent form (registration stopped before its upload): add it here. */
export function SignedForm({ client, language, dossierId, onAdded }: Props) {
  const c = caseworkTexts(language);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const upload = async (event: Event) => {
    event.preventDefault();
    if (!file || busy) return;
    setBusy(true);
    const outcome = await uploadSignedForm(client, dossierId, file);
    setBusy(false);
    if (outcome.added) onAdded();
    else setProblem(outcome.reason === "failed" ? (outcome.detail ?? c.uploadFailed) : c.signedFormHint);
  };

  return (
    <section aria-labelledby="signed-form" class="panel">
      <h2 id="signed-form">{c.signedForm}</h2>
      <p>{c.signedFormAwaited}</p>
      <form onSubmit={(e) => void upload(e)}>
        <Field id="signed-form-file" label={c.signedForm} hint={c.signedFormHint} error={problem ?? undefined}>
          <input
            id="signed-form-file"
            type="file"
            accept={ACCEPTED_FORMS}
            required
            aria-describedby="signed-form-file-hint"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? c.uploading : c.uploadForm}
        </button>
      </form>
    </section>
  );
}
