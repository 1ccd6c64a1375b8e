import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api.ts";
import { type CredentialSource, type ReturnTo, startConnect } from "./outlook-api.ts";

export interface GoToMicrosoft {
  /** True from the click until the browser has left for Microsoft. */
  leaving: boolean;
  error: string | null;
  /** Field errors when a step before leaving (saving credentials) was refused. */
  fields: Record<string, string>;
  /** Runs `before` (e.g. saving credentials), asks the server for the sign-in URL and goes there. */
  go(returnTo: ReturnTo, credentials?: CredentialSource, before?: () => Promise<void>): Promise<void>;
}

/**
 * Leaving for Microsoft's sign-in: once at a time (a double click never starts two consents), and
 * usable again when the person comes back with the browser's Back button (page restored from the
 * back/forward cache).
 */
export function useGoToMicrosoft(): GoToMicrosoft {
  const running = useRef(false);
  const [leaving, setLeaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      running.current = false;
      setLeaving(false);
    };
    window.addEventListener("pageshow", onPageShow);
    return () => window.removeEventListener("pageshow", onPageShow);
  }, []);

  const go = useCallback(
    async (returnTo: ReturnTo, credentials?: CredentialSource, before?: () => Promise<void>) => {
      if (running.current) return;
      running.current = true;
      setLeaving(true);
      setError(null);
      setFields({});
      try {
        await before?.();
        const { authorizeUrl } = await startConnect(returnTo, credentials);
        window.location.assign(authorizeUrl);
      } catch (e) {
        running.current = false;
        setLeaving(false);
        const fieldErrors = e instanceof ApiError ? e.fieldErrors() : {};
        setFields(fieldErrors);
        setError(Object.keys(fieldErrors).length ? "Check the highlighted fields." : errorMessage(e));
      }
    },
    [],
  );

  return { leaving, error, fields, go };
}
