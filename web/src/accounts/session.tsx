import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiError, onSessionEnded } from "../api.ts";
import { getMe, type Me } from "./accounts-api.ts";

type SessionState =
  | { status: "loading" }
  | { status: "ready"; me: Me | null }
  | { status: "failed"; message: string };

interface SessionValue {
  state: SessionState;
  /** The signed-in user, or null when logged out (only meaningful once `state` is ready). */
  me: Me | null;
  /** Re-reads `/api/me` (after logging in, creating or switching an org, …). */
  reload(): Promise<Me | null>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: "loading" });

  const reload = useCallback(async () => {
    try {
      const me = await getMe();
      setState({ status: "ready", me });
      return me;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setState({ status: "ready", me: null });
        return null;
      }
      const message = error instanceof ApiError ? error.title : "Mailroom could not be loaded.";
      setState({ status: "failed", message });
      return null;
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => onSessionEnded(() => void reload()), [reload]);

  const value = useMemo<SessionValue>(
    () => ({ state, me: state.status === "ready" ? state.me : null, reload }),
    [state, reload],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession needs a <SessionProvider>");
  return value;
}

/** The signed-in user; only for components rendered behind <RequireAuth>. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error("useMe outside an authenticated route");
  return me;
}
