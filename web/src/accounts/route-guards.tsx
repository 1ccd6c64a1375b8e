import type { ReactNode } from "react";
import { Navigate, Outlet, useLocation, useSearchParams } from "react-router";
import { Loading } from "../ui/page.tsx";
import type { Me } from "./accounts-api.ts";
import { safeNext, withNext } from "./safe-next.ts";
import { useSession } from "./session.tsx";

/** Where a signed-in user belongs: onboarding until their org is set up, then the inbox. */
export function homeFor(me: Me): string {
  return me.org?.onboardingCompleted ? "/inbox" : "/onboarding";
}

/** Holds rendering until `/api/me` has answered, and explains a server that can't be reached. */
export function SessionGate({ children }: { children: ReactNode }) {
  const { state, reload } = useSession();
  if (state.status === "loading") {
    return (
      <main className="center-screen">
        <Loading label="Loading Mailroom…" />
      </main>
    );
  }
  if (state.status === "failed") {
    return (
      <main className="center-screen">
        <h1 className="center-screen__title">Mailroom isn't responding</h1>
        <p className="alert alert--error" role="alert">
          {state.message}
        </p>
        <button type="button" className="button button--primary" onClick={() => void reload()}>
          Try again
        </button>
      </main>
    );
  }
  return children;
}

/** `/`: log in, finish onboarding, or go to the inbox. */
export function HomeRedirect() {
  const { me } = useSession();
  return <Navigate to={me ? homeFor(me) : "/login"} replace />;
}

/** Pages for signed-out people (log in, sign up): a signed-in user goes on to where they were headed. */
export function GuestOnly() {
  const { me } = useSession();
  const [search] = useSearchParams();
  if (me) return <Navigate to={safeNext(search) ?? homeFor(me)} replace />;
  return <Outlet />;
}

/** Everything behind a login; remembers the destination so logging in comes back to it. */
export function RequireAuth() {
  const { me } = useSession();
  const location = useLocation();
  if (!me) return <Navigate to={withNext("/login", location.pathname + location.search)} replace />;
  return <Outlet />;
}

/** The app proper needs an organisation whose onboarding is finished. */
export function RequireReadyOrg() {
  const { me } = useSession();
  if (!me?.org?.onboardingCompleted) return <Navigate to="/onboarding" replace />;
  return <Outlet />;
}
