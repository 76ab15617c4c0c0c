import type { Language } from "../i18n";
import { caseworkTexts } from "../texts/casework";

/** The list's way to register a person: a link (it opens a screen of its own, /dossiers/new). */
export function NewDossier({ language, onRegister }: { language: Language; onRegister: () => void }) {
  return (
    <p>
      <a
        href="/dossiers/new"
        class="button"
        onClick={(event) => {
          event.preventDefault();
          onRegister();
        }}
      >
        {caseworkTexts(language).newDossier}
      </a>
    </p>
  );
}
