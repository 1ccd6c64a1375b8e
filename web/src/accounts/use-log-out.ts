import { useState } from "react";
import { errorMessage } from "../api.ts";
import { stopLiveEvents } from "../live/live-events.ts";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { signOut } from "./accounts-api.ts";
import { withNext } from "./safe-next.ts";

interface LogOut {
  busy: boolean;
  /** Why logging out failed (the session is still valid then), or null. */
  error: string | null;
  logOut(next?: string): void;
}

/**
 * Logs out on the server, then reloads the app at the login page (optionally with a `next`).
 * A full page load rather than client-side navigation: nothing of the previous user's data
 * survives in memory, and no route guard can race the redirect.
 */
export function useLogOut(): LogOut {
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const logOut = (next?: string) =>
    void run(async () => {
      setError(null);
      try {
        await signOut();
      } catch (e) {
        setError(`Couldn't log out: ${errorMessage(e)}`);
        return;
      }
      stopLiveEvents();
      window.location.replace(withNext("/login", next ?? null));
    });
  return { busy, error, logOut };
}
