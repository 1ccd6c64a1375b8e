const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "5 minutes ago", "yesterday", "just now". */
export function relativeTime(date: Date, now = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "minute")
      return format.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

/** "12 May 2026, 14:03". */
export function absoluteTime(date: Date): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** A date as people say it, with the exact time beside it (or in its tooltip when `compact`). */
export function Time({ value, compact }: { value: string; compact?: boolean }) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const absolute = absoluteTime(date);
  return (
    <time dateTime={date.toISOString()} title={absolute}>
      {relativeTime(date)}
      {compact ? null : <span className="muted"> ({absolute})</span>}
    </time>
  );
}
