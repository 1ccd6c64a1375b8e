import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api.ts";
import { startReconnect } from "./attention-api.ts";

export interface Reconnect {
  /** The channel whose sign-in is opening, from the click until the browser has left. */
  leaving: string | null;
  error: string | null;
  go(channelId: string, returnTo?: "channels" | "credentials"): Promise<void>;
}

/**
 * Reconnect a channel: OAuth again for that channel (the server keeps which one in the sign-in's
 * state). Once at a time, and usable again when the person comes back with the Back button.
 */
export function useReconnect(): Reconnect {
  const running = useRef(false);
  const [leaving, setLeaving] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      running.current = false;
      setLeaving(null);
    };
    window.addEventListener("pageshow", onPageShow);
    return () => window.removeEventListener("pageshow", onPageShow);
  }, []);

  const go = useCallback(async (channelId: string, returnTo: "channels" | "credentials" = "channels") => {
    if (running.current) return;
    running.current = true;
    setLeaving(channelId);
    setError(null);
    try {
      const { authorizeUrl } = await startReconnect(channelId, returnTo);
      window.location.assign(authorizeUrl);
    } catch (e) {
      running.current = false;
      setLeaving(null);
      setError(errorMessage(e));
    }
  }, []);

  return { leaving, error, go };
}
