import { useCallback, useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import type { ListFilter } from "./inbox-api.ts";

/** What the list shows, as it sits in the URL: `?status=closed|all` (open when absent), `unread=1`, `q=…`. */
export type StatusView = "open" | "closed" | "all";

export function filterFromParams(params: URLSearchParams): ListFilter & { view: StatusView } {
  const raw = params.get("status");
  const view: StatusView = raw === "closed" || raw === "all" ? raw : "open";
  const q = params.get("q")?.trim() || undefined;
  return {
    view,
    ...(view === "all" ? {} : { status: view }),
    ...(params.get("unread") === "1" ? { unread: true } : {}),
    ...(q ? { q } : {}),
  };
}

/**
 * The inbox page's state in the URL: the inbox, the open conversation (`c`) and the filters;
 * `search` builds the link to another inbox or conversation keeping the filters, `setFilter`
 * changes filters in place.
 */
export function useInboxUrl() {
  const [params, setParams] = useSearchParams();
  const inboxId = params.get("inbox");
  const search = (next: { inbox?: string | null; c?: string | null }) => {
    const out = new URLSearchParams(params);
    const inbox = next.inbox === undefined ? inboxId : next.inbox;
    out.delete("c");
    if (inbox) out.set("inbox", inbox);
    else out.delete("inbox");
    if (next.c) out.set("c", next.c);
    const text = out.toString();
    return text ? `?${text}` : "?";
  };
  const setFilter = useCallback(
    (next: { view?: StatusView; unread?: boolean; q?: string }) =>
      setParams((current) => {
        const out = new URLSearchParams(current);
        if (next.view !== undefined)
          next.view === "open" ? out.delete("status") : out.set("status", next.view);
        if (next.unread !== undefined) next.unread ? out.set("unread", "1") : out.delete("unread");
        if (next.q !== undefined) next.q ? out.set("q", next.q) : out.delete("q");
        return out;
      }),
    [setParams],
  );
  return { inboxId, selected: params.get("c"), filter: filterFromParams(params), search, setFilter };
}

interface ListFiltersProps {
  view: StatusView;
  unread: boolean;
  q: string;
  onChange(next: { view?: StatusView; unread?: boolean; q?: string }): void;
}

const VIEWS: { view: StatusView; label: string }[] = [
  { view: "open", label: "Open" },
  { view: "closed", label: "Closed" },
  { view: "all", label: "All" },
];

/** Typing pauses this long before the list searches. */
const SEARCH_DELAY_MS = 350;

/** Open / Closed / All, "Unread only", and a search over sender, subject and text. */
export function ListFilters({ view, unread, q, onChange }: ListFiltersProps) {
  const [text, setText] = useState(q);
  const change = useRef(onChange);
  change.current = onChange;
  useEffect(() => setText(q), [q]);
  // Only typing restarts the wait (a live update re-rendering the page doesn't).
  useEffect(() => {
    if (text.trim() === q) return;
    const timer = setTimeout(() => change.current({ q: text.trim() }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, q]);
  return (
    <div className="list-filters">
      <search className="list-filters__search">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onChange({ q: text.trim() });
          }}
        >
          <input
            type="search"
            className="input"
            aria-label="Search conversations"
            placeholder="Search sender, subject or text"
            maxLength={200}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </form>
      </search>
      <div className="list-filters__row">
        <fieldset className="segmented">
          <legend className="visually-hidden">Show</legend>
          {VIEWS.map((v) => (
            <button
              key={v.view}
              type="button"
              className="segmented__option"
              aria-pressed={view === v.view}
              onClick={() => onChange({ view: v.view })}
            >
              {v.label}
            </button>
          ))}
        </fieldset>
        <label className="list-filters__unread">
          <input type="checkbox" checked={unread} onChange={(e) => onChange({ unread: e.target.checked })} />{" "}
          Unread only
        </label>
      </div>
    </div>
  );
}
