import { Link, useParams, useSearchParams } from "react-router";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { AuthLayout } from "../accounts/auth-layout.tsx";
import { useMe } from "../accounts/session.tsx";
import { AlertIcon } from "../ui/icons.tsx";
import { PageHeading } from "../ui/page.tsx";
import type { ReturnTo } from "./outlook-api.ts";
import { outlookProblem } from "./outlook-problems.ts";
import { RedirectUri } from "./redirect-uri.tsx";
import { useConnectOptions } from "./use-connect-options.ts";
import "./outlook.css";

/** Where each journey starts again. */
const START: Record<ReturnTo, string> = {
  onboarding: "/onboarding/connect",
  channels: "/settings/channels/new/outlook",
};

/**
 * `/outlook/problem/:problem?from=onboarding|channels`: where the OAuth callback sends every
 * failure a person can act on — what went wrong, how to fix it, and Try again.
 */
export function OutlookProblemPage() {
  const { problem: code } = useParams();
  const [search] = useSearchParams();
  const from: ReturnTo = search.get("from") === "onboarding" ? "onboarding" : "channels";
  const problem = outlookProblem(code);
  const me = useMe();
  const inApp = Boolean(me.org?.onboardingCompleted) && canManageOrg(me.org?.role);

  return (
    <AuthLayout wide>
      <article className="problem">
        <div className="problem__icon" aria-hidden="true">
          <AlertIcon />
        </div>
        <p className="problem__eyebrow">Outlook wasn't connected</p>
        <PageHeading title={problem.title} className="problem__title" />
        <p className="problem__what">{wrongAccountWords(code, search) ?? problem.what}</p>
        <section className="problem__fix" aria-labelledby="problem-fix">
          <h2 className="section-title" id="problem-fix">
            How to fix it
          </h2>
          <ol className="problem__steps">
            {problem.fix.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </section>
        {problem.mistakes ? <RedirectUriAdvice mistakes={problem.mistakes} /> : null}
        {problem.codes ? (
          <p className="problem__codes">
            Microsoft's error {problem.codes.length > 1 ? "codes" : "code"}:{" "}
            {problem.codes.map((c, i) => (
              <span key={c}>
                {i > 0 ? ", " : ""}
                <code>{c}</code>
              </span>
            ))}
          </p>
        ) : null}
        <div className="problem__actions">
          {problem.credentials && inApp ? (
            <Link className="button button--secondary" to="/settings/channels/credentials">
              Update credentials
            </Link>
          ) : null}
          <Link className="button button--primary" to={START[from]}>
            Try again
          </Link>
        </div>
      </article>
    </AuthLayout>
  );
}

function RedirectUriAdvice({ mistakes }: { mistakes: string[] }) {
  const [options] = useConnectOptions();
  return (
    <section className="problem__uri" aria-labelledby="problem-uri">
      <h2 className="section-title" id="problem-uri">
        The redirect URI to register
      </h2>
      {options.status === "ready" ? (
        <RedirectUri uri={options.data.redirectUri} />
      ) : options.status === "loading" ? (
        <p className="muted">Loading…</p>
      ) : (
        <p className="muted">Your Mailroom address followed by /api/outlook/oauth2/callback.</p>
      )}
      <p className="muted">Check for the usual mistakes:</p>
      <ul className="problem__mistakes">
        {mistakes.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </section>
  );
}

/** A refused reconnect names both mailboxes: the channel's and the one that signed in. */
function wrongAccountWords(code: string | undefined, search: URLSearchParams): string | undefined {
  const expected = search.get("expected");
  const got = search.get("got");
  if (code !== "wrong_account" || !expected || !got) return undefined;
  return `This channel belongs to ${expected}; you signed in as ${got}. Nothing was changed.`;
}
