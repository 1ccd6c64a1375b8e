import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api.ts";

export type Loaded<T> =
  | { status: "loading" }
  | { status: "ready"; data: T }
  | { status: "failed"; message: string; notFound: boolean };

/**
 * Loads `fetcher()` on mount and whenever `key` changes; `reload()` refetches in the background
 * (the last data stays on screen), e.g. on a live event. Answers that arrive late, for an older
 * key, are dropped.
 */
export function useLoad<T>(fetcher: () => Promise<T>, key: string): [Loaded<T>, () => Promise<void>] {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const latest = useRef(fetcher);
  latest.current = fetcher;
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await latest.current();
      if (mine === generation.current) setState({ status: "ready", data });
    } catch (error) {
      if (mine !== generation.current) return;
      const notFound =
        typeof error === "object" && error !== null && "status" in error && error.status === 404;
      setState((previous) =>
        previous.status === "ready" && !notFound
          ? previous
          : { status: "failed", message: errorMessage(error), notFound },
      );
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is what makes a fresh load
  useEffect(() => {
    setState({ status: "loading" });
    void load();
  }, [key, load]);

  return [state, load];
}
