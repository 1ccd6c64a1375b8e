import { lazy, Suspense } from "react";
import type { ComposerProps } from "./composer.tsx";

/** Tiptap is the bulk of the composer: it loads when a composer first opens, not with the inbox. */
const Composer = lazy(() => import("./composer.tsx").then((m) => ({ default: m.Composer })));

export function LazyComposer(props: ComposerProps) {
  return (
    <Suspense fallback={<p className="muted">Opening the composer…</p>}>
      <Composer {...props} />
    </Suspense>
  );
}
