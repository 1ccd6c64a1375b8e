import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, errorMessage } from "../api.ts";
import { FormError } from "../ui/form-error.tsx";
import { Loading, PageHeading } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { acceptInvitation, getInvitation, type InvitationPreview, roleLabel } from "./accounts-api.ts";
import { AuthLayout } from "./auth-layout.tsx";
import { homeFor } from "./route-guards.tsx";
import { useSession } from "./session.tsx";
import { useLogOut } from "./use-log-out.ts";

type Load =
  | { status: "loading" }
  | { status: "loaded"; invitation: InvitationPreview }
  | { status: "failed"; error: ApiError | null };

const NO_LONGER_VALID = "This invitation is no longer valid";

/** `/invite/:id`: see who invited you to which org, log in or sign up if needed, and join. */
export function InvitationPage() {
  const { id = "" } = useParams();
  const { me } = useSession();
  const [load, setLoad] = useState<Load>({ status: "loading" });
  const signedIn = me !== null;

  // Signing in changes what the server may tell us about the invitation, hence `signedIn`.
  // biome-ignore lint/correctness/useExhaustiveDependencies: refetch when the user signs in or out
  useEffect(() => {
    let live = true;
    setLoad({ status: "loading" });
    getInvitation(id).then(
      (invitation) => live && setLoad({ status: "loaded", invitation }),
      (error: unknown) =>
        live && setLoad({ status: "failed", error: error instanceof ApiError ? error : null }),
    );
    return () => {
      live = false;
    };
  }, [id, signedIn]);

  return (
    <AuthLayout>
      {load.status === "loading" ? <Loading label="Loading invitation…" /> : null}
      {load.status === "failed" && load.error?.status === 404 ? (
        <InvitationProblem error={load.error} id={id} />
      ) : null}
      {load.status !== "loading" && !me && !(load.status === "failed" && load.error?.status === 404) ? (
        <SignedOut id={id} invitation={load.status === "loaded" ? load.invitation : null} />
      ) : null}
      {load.status === "failed" && me && load.error?.status !== 404 ? (
        <InvitationProblem error={load.error} id={id} />
      ) : null}
      {load.status === "loaded" && me ? <JoinInvitation invitation={load.invitation} /> : null}
    </AuthLayout>
  );
}

function SignedOut({ id, invitation }: { id: string; invitation: InvitationPreview | null }) {
  const next = encodeURIComponent(`/invite/${id}`);
  const email = invitation ? `&email=${encodeURIComponent(invitation.email)}` : "";
  return (
    <>
      <PageHeading
        title={invitation ? `Join ${invitation.orgName} on Mailroom` : "You've been invited to Mailroom"}
        documentTitle="Invitation"
        className="auth__title"
      />
      <p className="auth__lead">
        {invitation
          ? `${invitation.inviterName} invited ${invitation.email} to join as ${roleLabel[invitation.role].toLowerCase()}.`
          : "Log in or create an account to see and accept your invitation."}
      </p>
      <div className="stack">
        <Link className="button button--primary button--block" to={`/login?next=${next}${email}`}>
          Log in to accept
        </Link>
        <Link className="button button--secondary button--block" to={`/signup?next=${next}${email}`}>
          Create an account
        </Link>
      </div>
    </>
  );
}

function InvitationProblem({ error, id }: { error: ApiError | null; id: string }) {
  if (error?.status === 403) return <WrongAccount id={id} message={error.title} />;
  const title = !error || error.status === 404 ? NO_LONGER_VALID : error.title;
  return (
    <>
      <PageHeading title={title} documentTitle="Invitation" className="auth__title" />
      <p className="auth__lead">Ask the person who invited you for a new link.</p>
      <Link className="button button--secondary" to="/">
        Go to Mailroom
      </Link>
    </>
  );
}

function WrongAccount({ id, message, invitedEmail }: { id: string; message: string; invitedEmail?: string }) {
  const { me } = useSession();
  const { busy, error, logOut } = useLogOut();
  return (
    <>
      <PageHeading
        title="This invitation is for someone else"
        documentTitle="Invitation"
        className="auth__title"
      />
      <p className="alert alert--error" role="alert">
        {message}
      </p>
      <p className="auth__lead">
        You're signed in as <strong>{me?.user.email}</strong>
        {invitedEmail ? (
          <>
            , but the invitation was sent to <strong>{invitedEmail}</strong>
          </>
        ) : null}
        . Log out and sign in with the invited address to join.
      </p>
      <button
        type="button"
        className="button button--primary"
        onClick={() => logOut(`/invite/${id}`)}
        disabled={busy}
      >
        Log out and switch account
      </button>
      <FormError message={error} />
    </>
  );
}

function JoinInvitation({ invitation }: { invitation: InvitationPreview }) {
  const { me, reload } = useSession();
  const navigate = useNavigate();
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<ApiError | string | null>(null);

  if (invitation.status !== "pending") return <InvitationProblem error={null} id={invitation.id} />;
  if (error instanceof ApiError && error.status === 403)
    return <WrongAccount id={invitation.id} message={error.title} invitedEmail={invitation.email} />;
  if (error instanceof ApiError && error.status === 404)
    return <InvitationProblem error={error} id={invitation.id} />;
  const otherEmail = me && me.user.email.toLowerCase() !== invitation.email.toLowerCase();

  const join = () =>
    void run(async () => {
      setError(null);
      try {
        await acceptInvitation(invitation.id);
        const next = await reload();
        if (next) navigate(homeFor(next), { replace: true });
      } catch (e) {
        setError(e instanceof ApiError ? e : errorMessage(e));
      }
    });

  return (
    <>
      <PageHeading title={`Join ${invitation.orgName}`} documentTitle="Invitation" className="auth__title" />
      <p className="auth__lead">
        {invitation.inviterName} invited <strong>{invitation.email}</strong> to join {invitation.orgName} as{" "}
        {roleLabel[invitation.role].toLowerCase()}.
      </p>
      {otherEmail ? (
        <p className="notice">
          You're signed in as {me.user.email}. If the invitation is for another address, log out and sign in
          with that one.
        </p>
      ) : null}
      <FormError message={error instanceof ApiError ? error.title : error} />
      <button type="button" className="button button--primary button--block" onClick={join} disabled={busy}>
        {busy ? "Joining…" : `Join ${invitation.orgName}`}
      </button>
    </>
  );
}
