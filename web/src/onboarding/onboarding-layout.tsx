import { Navigate, Outlet, useLocation } from "react-router";
import { AuthLayout } from "../accounts/auth-layout.tsx";
import { useMe } from "../accounts/session.tsx";
import { useLogOut } from "../accounts/use-log-out.ts";
import { FormError } from "../ui/form-error.tsx";
import { Loading } from "../ui/page.tsx";
import { ONBOARDING_STEPS, onboardingUrl } from "./onboarding-steps.ts";
import { Stepper } from "./stepper.tsx";
import { useConnectedChannelQuery } from "./use-connected-channel.ts";

/** The onboarding frame: who is signed in, the stepper, and the current step. */
export function OnboardingLayout() {
  const me = useMe();
  const location = useLocation();
  const logOut = useLogOut();
  const stepPath = location.pathname.split("/")[2] ?? "";
  const current = ONBOARDING_STEPS.findIndex((step) => step.path === stepPath);
  // Step 3 shows its tick, and `/onboarding` lands there once a mailbox is connected.
  const channel = useConnectedChannelQuery((stepPath === "connect" || current === -1) && Boolean(me.org));
  if (me.org?.onboardingCompleted) return <Navigate to="/inbox" replace />;

  if (current === -1) {
    if (channel.pending) return <Loading label="Opening your setup…" />;
    return (
      <Navigate to={landingStep(location.search, me.org !== null, channel.channelId !== undefined)} replace />
    );
  }
  if (current > 0 && !me.org) return <Navigate to={onboardingUrl("organization")} replace />;

  return (
    <AuthLayout
      wide
      aside={
        <>
          <span className="auth__who">{me.user.email}</span>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => logOut.logOut()}
            disabled={logOut.busy}
          >
            Log out
          </button>
        </>
      }
    >
      <FormError message={logOut.error} />
      <Stepper current={current} currentDone={stepPath === "connect" && channel.channelId !== undefined} />
      <Outlet />
    </AuthLayout>
  );
}

/**
 * Where `/onboarding` lands: the step named by `?step=` (the OAuth callback comes back to
 * `/onboarding?step=connect&connected=…`, keeping its other parameters), else the first unfinished one.
 * Inviting can be skipped and leaves no trace, so with a mailbox connected that is step 3 (its tick
 * and "Continue to your inbox"): an admin who connected Outlook and then typed /inbox is not sent
 * back to invitations.
 */
export function landingStep(search: string, hasOrg: boolean, hasChannel: boolean): string {
  const params = new URLSearchParams(search);
  const named = ONBOARDING_STEPS.find((step) => step.path === params.get("step"));
  params.delete("step");
  const rest = params.size ? `?${params}` : "";
  if (named && (hasOrg || named.path === "organization")) return `${onboardingUrl(named.path)}${rest}`;
  if (!hasOrg) return onboardingUrl("organization");
  return onboardingUrl(hasChannel ? "connect" : "team");
}
