/**
 * Where to go after logging in or signing up: the `next` query parameter when it is a path on
 * this site (so an invitation link survives the detour), never another origin.
 */
export function safeNext(search: URLSearchParams): string | null {
  const next = search.get("next");
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  return next;
}

/** `/login?next=/invite/abc` style links that carry the destination along. */
export function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}
