import type { ChannelSummary, InboxRef } from "./channels-api.ts";

const STATUS: Record<string, { label: string; tone: string }> = {
  connected: { label: "Connected", tone: "success" },
  needs_reauth: { label: "Needs reconnecting", tone: "warning" },
  disconnected: { label: "Disconnected", tone: "neutral" },
};

/** Connected / Needs reconnecting / Disconnected. */
export function ChannelStatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { label: status, tone: "neutral" };
  return <span className={`badge status status--${s.tone}`}>{s.label}</span>;
}

/** Which Microsoft app the channel was connected with. */
export function credentialsLabel(channel: Pick<ChannelSummary, "credentialSource" | "clientId">): string {
  return channel.credentialSource === "byoc"
    ? `Your Azure app (client ID ${channel.clientId})`
    : "Mailroom's Microsoft app";
}

/** A shared inbox's name with its colour dot. */
export function InboxChip({ inbox }: { inbox: InboxRef }) {
  return (
    <span className="inbox-chip">
      <span className={`inbox-chip__dot inbox-dot--${inbox.color}`} aria-hidden="true" />
      {inbox.name}
    </span>
  );
}
