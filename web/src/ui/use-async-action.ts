import { useCallback, useRef, useState } from "react";

/**
 * Runs one async action at a time: while it runs `busy` is true (to disable buttons) and further
 * calls are ignored, so a double click never sends a request twice — the ref guard holds even
 * before React re-renders the disabled button.
 */
export function useAsyncAction(): [busy: boolean, run: (action: () => Promise<void>) => Promise<void>] {
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<void>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      await action();
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return [busy, run];
}
