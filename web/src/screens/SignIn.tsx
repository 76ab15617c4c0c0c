import { useState } from "preact/hooks";
import {
  chooseNewPassword,
  CodeRefused,
  enrol,
  giveCode,
  PasswordRefused,
  type Session,
  SignInExpired,
  SignInRefused,
  signIn,
  type Step,
} from "../auth";
import { useHeadingFocus } from "../focus";
import type { Language, texts } from "../i18n";
import { signInTexts } from "../texts/sign-in";

type Props = { t: ReturnType<typeof texts>; language: Language; onSignedIn: (session: Session) => void };
type Pending = Exclude<Step, { kind: "done" }>;

/** The password, then whatever Cognito asks next; each step is a screen of its own (its heading focused). */
export function SignIn({ t, language, onSignedIn }: Props) {
  const s = signInTexts(language);
  const [step, setStep] = useState<Pending | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const attempt = async (work: () => Promise<Step>) => {
    setBusy(true);
    setError(null);
    try {
      const next = await work();
      if (next.kind === "done") onSignedIn(next.session);
      else setStep(next);
    } catch (refused) {
      if (refused instanceof SignInExpired) setStep(null);
      setError(
        refused instanceof SignInRefused
          ? t.wrongPassword
          : refused instanceof CodeRefused
            ? s.wrongCode
            : refused instanceof PasswordRefused
              ? s.passwordRefused
              : refused instanceof SignInExpired
                ? s.expired
                : t.unavailable,
      );
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(form.get(name) ?? "");
    if (step === null) void attempt(() => signIn(field("username"), field("password")));
    else if (step.kind === "new_password") {
      if (field("new-password") !== field("repeat-password")) setError(s.passwordsDiffer);
      else void attempt(() => chooseNewPassword(step, field("new-password")));
    } else if (step.kind === "enrol") void attempt(() => enrol(step, field("code").trim()));
    else void attempt(() => giveCode(step, field("code").trim()));
  };

  const alert = error && (
    <p role="alert" class="error">
      {error}
    </p>
  );
  const code = (
    <>
      <label for="code">{s.code}</label>
      <input
        id="code"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
      />
    </>
  );

  return (
    <Screen key={step?.kind ?? "password"} title={step === null ? t.signIn : titleOf(step, s)}>
      <form onSubmit={submit} class="stack">
        {step === null && (
          <>
            <label for="username">{t.email}</label>
            <input id="username" name="username" type="email" autoComplete="username" required />
            <label for="password">{t.password}</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required />
          </>
        )}
        {step?.kind === "new_password" && (
          <>
            <p id="password-rules">{s.newPasswordHelp}</p>
            <label for="new-password">{s.newPassword}</label>
            <input
              id="new-password"
              name="new-password"
              type="password"
              autoComplete="new-password"
              aria-describedby="password-rules"
              minLength={12}
              required
            />
            <label for="repeat-password">{s.repeatPassword}</label>
            <input id="repeat-password" name="repeat-password" type="password" autoComplete="new-password" required />
          </>
        )}
        {step?.kind === "enrol" && (
          <>
            <p>{s.enrolHelp}</p>
            <p>
              {s.secretKey}: <code class="authenticator-key">{grouped(step.secret)}</code>
            </p>
            <p>
              <a href={step.uri}>{s.openInApp}</a>
            </p>
            {code}
          </>
        )}
        {step?.kind === "code" && (
          <>
            <p>{s.codeHelp}</p>
            {code}
          </>
        )}
        {alert}
        <button type="submit" disabled={busy}>
          {step === null ? t.signIn : s.next}
        </button>
      </form>
    </Screen>
  );
}

function titleOf(step: Pending, s: ReturnType<typeof signInTexts>): string {
  return { new_password: s.newPasswordTitle, enrol: s.enrolTitle, code: s.codeTitle }[step.kind];
}

/** A key read off the screen and typed into a phone: in groups of four. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

function Screen({ title, children }: { title: string; children: preact.ComponentChildren }) {
  const heading = useHeadingFocus<HTMLHeadingElement>();
  return (
    <section class="narrow">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </section>
  );
}
