import { useMemo, useRef, useState } from "preact/hooks";
import { apiClient } from "./api/client";
import { bearerOf, type Session, signOut, storedSession } from "./auth";
import { initialLanguage, type Language, LANGUAGES, rememberLanguage, texts } from "./i18n";
import { useRoute } from "./router";
import { DossierList } from "./screens/DossierList";
import { DossierScreen } from "./screens/DossierScreen";
import { OfficePortal } from "./screens/office/OfficePortal";
import { TransferScreen } from "./screens/operator/TransferScreen";
import { officeTexts } from "./texts/office";
import { Feed } from "./screens/Feed";
import { Registration } from "./screens/Registration";
import { FeedLink } from "./panels/FeedLink";
import { SignIn } from "./screens/SignIn";

const LANGUAGE_NAMES: Record<Language, string> = { nl: "Nederlands", fr: "Français", en: "English" };

export function App() {
  const [language, setLanguage] = useState<Language>(() => {
    const chosen = initialLanguage();
    document.documentElement.lang = chosen;
    return chosen;
  });
  const [session, setSession] = useState<Session | null>(storedSession);
  const [route, go] = useRoute();
  const t = texts(language);
  // one client for the app's life: a new language must not read a dossier again (each read is logged)
  const currentLanguage = useRef(language);
  currentLanguage.current = language;
  const client = useMemo(
    () =>
      apiClient(
        () => bearerOf(storedSession()),
        () => currentLanguage.current,
        () => {
          signOut();
          setSession(null);
        },
      ),
    [],
  );

  const choose = (next: Language) => {
    rememberLanguage(next);
    setLanguage(next);
  };

  return (
    <>
      <a class="skip" href="#main">
        {t.skip}
      </a>
      <header class="bar">
        <span class="brand">{t.app}</span>
        <label class="language">
          <span>{t.language}</span>
          <select value={language} onChange={(e) => choose(e.currentTarget.value as Language)}>
            {LANGUAGES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
        {session && (
          <FeedLink client={client} language={language} onOpen={() => go({ screen: "feed" })} />
        )}
        {session && (
          <span class="who">
            <span class="visually-hidden">{t.signedInAs} </span>
            {session.username}
            <button
              type="button"
              class="link"
              onClick={() => {
                signOut();
                setSession(null);
              }}
            >
              {t.signOut}
            </button>
          </span>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {!session ? (
          <SignIn t={t} language={language} onSignedIn={setSession} />
        ) : session.officeId ? (
          <OfficePortal t={t} language={language} client={client} route={route} go={go} />
        ) : !session.role ? (
          <p role="alert">{officeTexts(language).notAnOffice}</p>
        ) : session.role === "operator" ? (
          <TransferScreen language={language} client={client} />
        ) : route.screen === "register" ? (
          <Registration
            t={t}
            language={language}
            client={client}
            onRegistered={(dossierId) => go({ screen: "dossier", dossierId })}
            onCancel={() => go({ screen: "list" })}
          />
        ) : route.screen === "feed" ? (
          <Feed t={t} language={language} client={client} onOpen={(dossierId) => go({ screen: "dossier", dossierId })} />
        ) : route.screen === "dossier" ? (
          <DossierScreen
            key={route.dossierId}
            t={t}
            language={language}
            client={client}
            dossierId={route.dossierId}
            onBack={() => go({ screen: "list" })}
          />
        ) : (
          <DossierList
            t={t}
            language={language}
            client={client}
            onOpen={(dossierId) => go({ screen: "dossier", dossierId })}
            onRegister={() => go({ screen: "register" })}
          />
        )}
      </main>
    </>
  );
}
