// The steps of signing in after the password: a new password (first sign-in), setting up an
// authenticator app, and its code. Every language has every key (the compiler checks it).
import type { Language } from "../i18n";

type SignInTexts = {
  newPasswordTitle: string;
  newPasswordHelp: string;
  newPassword: string;
  repeatPassword: string;
  passwordsDiffer: string;
  passwordRefused: string;
  enrolTitle: string;
  enrolHelp: string;
  secretKey: string;
  openInApp: string;
  codeTitle: string;
  codeHelp: string;
  code: string;
  wrongCode: string;
  expired: string;
  next: string;
};

const en: SignInTexts = {
  newPasswordTitle: "Choose your password",
  newPasswordHelp:
    "You signed in with a temporary password. Choose your own: at least 12 characters, with upper and lower case letters, a digit and a symbol.",
  newPassword: "New password",
  repeatPassword: "New password again",
  passwordsDiffer: "The two passwords differ.",
  passwordRefused: "This password does not meet the rules above.",
  enrolTitle: "Set up your authenticator app",
  enrolHelp:
    "Respite asks for a code from an authenticator app each time you sign in. Add an account to the app with this key, then enter the code it shows.",
  secretKey: "Key",
  openInApp: "Open in an authenticator app on this device",
  codeTitle: "Code from your authenticator app",
  codeHelp: "Enter the six-digit code your authenticator app shows for Respite.",
  code: "Code",
  wrongCode: "That code is wrong or has expired. Enter the code the app shows now.",
  expired: "Signing in took too long. Start again with your email address and password.",
  next: "Continue",
};

const nl: SignInTexts = {
  newPasswordTitle: "Kies uw wachtwoord",
  newPasswordHelp:
    "U meldde zich aan met een tijdelijk wachtwoord. Kies uw eigen: minstens 12 tekens, met hoofdletters en kleine letters, een cijfer en een symbool.",
  newPassword: "Nieuw wachtwoord",
  repeatPassword: "Nieuw wachtwoord opnieuw",
  passwordsDiffer: "De twee wachtwoorden verschillen.",
  passwordRefused: "Dit wachtwoord voldoet niet aan de regels hierboven.",
  enrolTitle: "Stel uw authenticator-app in",
  enrolHelp:
    "Respite vraagt bij elke aanmelding een code uit een authenticator-app. Voeg in de app een account toe met deze sleutel en geef dan de code in die de app toont.",
  secretKey: "Sleutel",
  openInApp: "Openen in een authenticator-app op dit toestel",
  codeTitle: "Code uit uw authenticator-app",
  codeHelp: "Geef de code van zes cijfers in die uw authenticator-app voor Respite toont.",
  code: "Code",
  wrongCode: "Die code is fout of verlopen. Geef de code in die de app nu toont.",
  expired: "Het aanmelden duurde te lang. Begin opnieuw met uw e-mailadres en wachtwoord.",
  next: "Verder",
};

const fr: SignInTexts = {
  newPasswordTitle: "Choisissez votre mot de passe",
  newPasswordHelp:
    "Vous vous êtes connecté avec un mot de passe temporaire. Choisissez le vôtre : au moins 12 caractères, avec majuscules et minuscules, un chiffre et un symbole.",
  newPassword: "Nouveau mot de passe",
  repeatPassword: "Nouveau mot de passe, à nouveau",
  passwordsDiffer: "Les deux mots de passe diffèrent.",
  passwordRefused: "Ce mot de passe ne respecte pas les règles ci-dessus.",
  enrolTitle: "Configurez votre application d'authentification",
  enrolHelp:
    "Respite demande à chaque connexion un code d'une application d'authentification. Ajoutez-y un compte avec cette clé, puis saisissez le code qu'elle affiche.",
  secretKey: "Clé",
  openInApp: "Ouvrir dans une application d'authentification sur cet appareil",
  codeTitle: "Code de votre application d'authentification",
  codeHelp: "Saisissez le code à six chiffres que votre application d'authentification affiche pour Respite.",
  code: "Code",
  wrongCode: "Ce code est erroné ou a expiré. Saisissez le code que l'application affiche maintenant.",
  expired: "La connexion a pris trop de temps. Recommencez avec votre adresse e-mail et votre mot de passe.",
  next: "Continuer",
};

const TEXTS: Record<Language, SignInTexts> = { nl, fr, en };

export const signInTexts = (language: Language): SignInTexts => TEXTS[language];
