/**
 * What went wrong connecting Outlook and how to fix it, in plain words, keyed by the problem code
 * in `/outlook/problem/<problem>` (docs/troubleshooting-outlook.md says the same for operators).
 */

export interface OutlookProblem {
  title: string;
  /** What happened, in one or two sentences. */
  what: string;
  /** How to fix it, step by step. */
  fix: string[];
  /** The Microsoft error codes that lead here, for people comparing with what they saw. */
  codes?: string[];
  /** Fixed by changing the organisation's Microsoft app credentials. */
  credentials?: boolean;
  /** The usual mistakes (redirect URI): shown as a list with the exact URI. */
  mistakes?: string[];
}

const ADMIN_CONSENT_FIX = [
  "Ask a Global Administrator of your Microsoft 365 organisation to open the app in Azure Portal › App registrations › API permissions and click “Grant admin consent”.",
  "Once they have, click Try again and sign in as before.",
];

export const OUTLOOK_PROBLEMS = {
  redirect_uri_mismatch: {
    title: "The redirect URI doesn't match your app registration",
    what: "Microsoft won't send you back to Mailroom because your Azure app doesn't list Mailroom's redirect URI exactly as Mailroom uses it.",
    fix: [
      "In Azure Portal › App registrations › your app › Authentication, add a platform of type “Web” if there isn't one.",
      "Add the redirect URI below to it, exactly as shown, and save.",
      "Come back and click Try again.",
    ],
    mistakes: [
      "http instead of https (or the other way round)",
      "a trailing slash at the end",
      "a different host name or port",
      "the URI added under “Single-page application” or “Mobile and desktop applications” instead of “Web”",
    ],
    codes: ["AADSTS50011"],
    credentials: true,
  },
  invalid_client_secret: {
    title: "The client secret was rejected",
    what: "Microsoft didn't accept the client secret saved in Mailroom. Most often the secret's ID was pasted instead of its Value.",
    fix: [
      "In Azure Portal › your app › Certificates & secrets, click “New client secret”.",
      "Copy its Value right away — Azure shows it only once. The Secret ID next to it won't work.",
      "Update the secret in Mailroom, then click Try again.",
    ],
    codes: ["AADSTS7000215"],
    credentials: true,
  },
  client_secret_expired: {
    title: "The client secret has expired",
    what: "The client secret of your Azure app has passed its expiry date, so Microsoft no longer accepts it.",
    fix: [
      "In Azure Portal › your app › Certificates & secrets, create a new client secret and copy its Value.",
      "Update the secret in Mailroom.",
      "Reconnect each channel that uses these credentials.",
    ],
    codes: ["AADSTS7000222"],
    credentials: true,
  },
  app_not_found: {
    title: "Microsoft couldn't find your app",
    what: "The client ID Mailroom sent doesn't match an app Microsoft knows for this sign-in.",
    fix: [
      "Check the client ID: it is the Application (client) ID on your app's Overview page in Azure.",
      "If the app only accepts accounts of its own directory (single-tenant), enter its Directory (tenant) ID under “Single-tenant app?” in the credentials form — or make the app multi-tenant.",
      "Then click Try again.",
    ],
    codes: ["AADSTS700016"],
    credentials: true,
  },
  account_type_not_supported: {
    title: "Your app doesn't accept this kind of account",
    what: "The Microsoft account you signed in with isn't one your Azure app's “Supported account types” allows.",
    fix: [
      "In Azure Portal › your app › Authentication, set Supported account types to “Accounts in any organizational directory and personal Microsoft accounts”.",
      "Or sign in with an account from the app's own directory.",
      "Then click Try again.",
    ],
    codes: ["AADSTS50020", "AADSTS50194", "AADSTS9002332"],
    credentials: true,
  },
  consent_required: {
    title: "An administrator needs to approve Mailroom",
    what: "Your organisation doesn't let people approve apps themselves, so the permissions Mailroom asks for need an administrator's consent.",
    fix: ADMIN_CONSENT_FIX,
    codes: ["AADSTS65001"],
  },
  admin_approval_required: {
    title: "Your organisation requires admin approval",
    what: "Microsoft showed “Need admin approval”: only an administrator can grant the permissions Mailroom asks for in your organisation.",
    fix: ADMIN_CONSENT_FIX,
    codes: ["AADSTS90094", "AADSTS65001"],
  },
  interaction_required: {
    title: "Microsoft needs you to sign in again",
    what: "Microsoft asked for something more before letting you in — a second sign-in step, or a policy of your organisation.",
    fix: [
      "Click Try again and complete every step Microsoft shows.",
      "If it keeps happening, ask your Microsoft 365 administrator whether a sign-in policy blocks Mailroom.",
    ],
  },
  state_invalid: {
    title: "This sign-in link has expired or was already used",
    what: "The Microsoft sign-in took more than 10 minutes, was finished in another browser, or the page was reloaded. For your security, each sign-in link works once.",
    fix: ["Click Try again to start a fresh sign-in from Mailroom, in this browser."],
  },
  wrong_account: {
    title: "You signed in with a different mailbox",
    what: "The channel you're reconnecting belongs to another Microsoft account than the one you signed in with.",
    fix: [
      "Click Try again, and on Microsoft's page choose “Use another account”.",
      "Sign in as the channel's own mailbox.",
    ],
  },
  credentials_missing: {
    title: "Your Microsoft app credentials changed during sign-in",
    what: "The credentials Mailroom used to start the sign-in were removed or replaced before Microsoft sent you back.",
    fix: ["Check your Microsoft app credentials, then click Try again."],
    credentials: true,
  },
  transient: {
    title: "Microsoft didn't answer in time",
    what: "Microsoft had a temporary problem while Mailroom finished the connection. Nothing needs fixing on your side.",
    fix: ["Wait a minute, then click Try again."],
  },
  unknown: {
    title: "Outlook couldn't be connected",
    what: "Something unexpected went wrong while connecting. Nothing was changed.",
    fix: [
      "Click Try again.",
      "If it keeps happening, ask whoever runs Mailroom to check the server logs around this time.",
    ],
  },
} satisfies Record<string, OutlookProblem>;

export type OutlookProblemCode = keyof typeof OUTLOOK_PROBLEMS;

export function outlookProblem(code: string | undefined): OutlookProblem {
  return code && Object.hasOwn(OUTLOOK_PROBLEMS, code)
    ? OUTLOOK_PROBLEMS[code as OutlookProblemCode]
    : OUTLOOK_PROBLEMS.unknown;
}

/** The codes a person may see on Microsoft's own error page, and where each is explained. */
export const MICROSOFT_ERROR_CODES: { codes: string; problem: OutlookProblemCode; summary: string }[] = [
  { codes: "AADSTS50011", problem: "redirect_uri_mismatch", summary: "The redirect URI doesn't match" },
  { codes: "AADSTS700016", problem: "app_not_found", summary: "Application not found in the directory" },
  {
    codes: "AADSTS50020 / AADSTS50194",
    problem: "account_type_not_supported",
    summary: "The app doesn't accept this kind of account",
  },
  {
    codes: "AADSTS90094 / AADSTS65001",
    problem: "admin_approval_required",
    summary: "Need admin approval",
  },
];
