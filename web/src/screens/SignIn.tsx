import { useState } from "preact/hooks";
import { type Session, SignInRefused, signIn } from "../auth";
import { useHeadingFocus } from "../focus";
import type { texts } from "../i18n";

type Props = { t: ReturnType<typeof texts>; onSignedIn: (session: Session) => void };

export function SignIn({ t, onSignedIn }: Props) {
  const heading = useHeadingFocus<HTMLHeadingElement>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(String(form.get("username")), String(form.get("password"))));
    } catch (refused) {
      setError(refused instanceof SignInRefused ? t.wrongPassword : t.unavailable);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <h1 ref={heading} tabIndex={-1}>
        {t.signIn}
      </h1>
      <form onSubmit={submit} class="stack">
        <label for="username">{t.email}</label>
        <input id="username" name="username" type="email" autoComplete="username" required />
        <label for="password">{t.password}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t.signIn}
        </button>
      </form>
    </section>
  );
}
