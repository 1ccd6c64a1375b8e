import type { SendCollision } from "@mailroom/contract";

interface CollisionNoticeProps {
  collision: SendCollision;
  busy: boolean;
  onSendAnyway(): void;
  onDismiss(): void;
}

/**
 * Shown instead of sending when something newer arrived after the agent began writing (the
 * customer wrote again, a colleague answered) or a colleague's reply is on its way: read it
 * first, then choose to send anyway.
 */
export function CollisionNotice({ collision, busy, onSendAnyway, onDismiss }: CollisionNoticeProps) {
  return (
    <section className="collision" role="alert" aria-label="Newer messages">
      <p className="collision__title">
        <strong>Not sent yet:</strong>{" "}
        {collision.pending.length
          ? `${collision.pending[0]!.createdBy?.name ?? "A colleague"} is already replying.`
          : "a newer message arrived while you were writing."}
      </p>
      {collision.pending.map((p) => (
        <article key={p.id} className="collision__message">
          <p className="muted">
            {p.createdBy?.name ?? "A colleague"} → {p.to.map((t) => t.address).join(", ")}
          </p>
          <div className="collision__text">{textOf(p.html)}</div>
        </article>
      ))}
      {collision.messages.map((m) => (
        <article key={m.id} className="collision__message">
          <p className="muted">{m.from ? m.from.name || m.from.address : "Unknown sender"}</p>
          <div className="collision__text">{m.text}</div>
        </article>
      ))}
      <div className="collision__actions">
        <button
          type="button"
          className="button button--secondary button--small"
          disabled={busy}
          onClick={onSendAnyway}
        >
          Send anyway
        </button>
        <button type="button" className="button button--ghost button--small" onClick={onDismiss}>
          Keep editing
        </button>
      </div>
    </section>
  );
}

/** A colleague's HTML shown as text (never rendered as HTML here). */
function textOf(html: string): string {
  const doc = new DOMParser().parseFromString(html, "text/html");
  return doc.body.textContent ?? "";
}
