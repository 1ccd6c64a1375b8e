import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import { FormError } from "../ui/form-error.tsx";
import { Time } from "../ui/time.tsx";
import {
  ATTENTION_QUERY,
  type AttentionChannel,
  type AttentionView,
  attentionWords,
  listAttention,
} from "./attention-api.ts";
import { useReconnect } from "./use-reconnect.ts";
import "./attention.css";

const HIDDEN_KEY = "mailroom.attention.hidden";

/** Hidden for this browser session: per channel and per breakage, so a new one shows again. */
const hiddenKey = (c: AttentionChannel) => `${c.id}@${c.since}`;

function readHidden(): string[] {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(HIDDEN_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/**
 * On every page, for every member: each mailbox that stopped syncing, why in plain words, and the
 * way out — Reconnect for owners and admins (or "update the client secret first"), the admins to
 * ask for everyone else. Live: `channels.attention` refetches it, no reload. Hiding lasts for the
 * browser session and only for that breakage; it is back until fixed.
 */
export function AttentionBanner() {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ATTENTION_QUERY, queryFn: listAttention });
  const [hidden, setHidden] = useState(readHidden);
  useLiveEvents((event) => {
    if (
      event.type === "channels.attention" ||
      event.type === "channels.updated" ||
      event.type === RECONNECTED
    )
      void queryClient.invalidateQueries({ queryKey: ATTENTION_QUERY });
  });
  const view = query.data;
  const shown = view?.channels.filter((c) => !hidden.includes(hiddenKey(c))) ?? [];
  if (!view || shown.length === 0) return null;
  const hide = (c: AttentionChannel) => {
    const next = [...hidden, hiddenKey(c)];
    sessionStorage.setItem(HIDDEN_KEY, JSON.stringify(next));
    setHidden(next);
  };
  return (
    <section className="attention" aria-label="Mailboxes that need attention">
      {shown.map((c) => (
        <AttentionLine key={c.id} channel={c} view={view} onHide={() => hide(c)} />
      ))}
    </section>
  );
}

function AttentionLine({
  channel,
  view,
  onHide,
}: {
  channel: AttentionChannel;
  view: AttentionView;
  onHide: () => void;
}) {
  const reconnect = useReconnect();
  const words = attentionWords(channel.status, channel.reason);
  return (
    <div className="attention__line" role="alert">
      <p className="attention__text">
        <strong>{channel.email}</strong> isn't syncing: {words.reason}.{" "}
        <span className="attention__since">
          Since <Time value={channel.since} />.
        </span>{" "}
        {view.canReconnect ? (
          <AdminAction channel={channel} action={words.action} />
        ) : (
          <AskAdmins admins={view.admins} />
        )}
      </p>
      <div className="attention__actions">
        {view.canReconnect && words.action === "reconnect" ? (
          <button
            type="button"
            className="button button--primary button--small"
            disabled={reconnect.leaving !== null}
            onClick={() => void reconnect.go(channel.id)}
          >
            {reconnect.leaving ? "Opening Microsoft…" : "Reconnect"}
          </button>
        ) : null}
        {view.canReconnect && words.action === "update_secret" ? (
          <Link className="button button--primary button--small" to="/settings/channels/credentials">
            Update the client secret
          </Link>
        ) : null}
        <button type="button" className="button button--ghost button--small" onClick={onHide}>
          Hide
          <span className="visually-hidden"> the notice about {channel.email} for this session</span>
        </button>
      </div>
      <FormError message={reconnect.error} />
    </div>
  );
}

function AdminAction({ channel, action }: { channel: AttentionChannel; action: string }) {
  if (action === "reconnect") return <>Reconnect it to pick up where it left off; nothing is lost.</>;
  if (action === "update_secret")
    return <>Create a new client secret in Azure and update it in Mailroom first, then reconnect.</>;
  return (
    <>
      An admin of your Microsoft 365 organisation must fix this in Azure, then reconnect.{" "}
      <Link to={`/settings/channels/${channel.id}`}>Details</Link>
    </>
  );
}

function AskAdmins({ admins }: { admins: AttentionView["admins"] }) {
  if (admins.length === 0) return <>Ask an admin of your team to reconnect it.</>;
  const names = admins.map((a) => `${a.name} (${a.email})`);
  return (
    <>
      Ask {names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`} to reconnect
      it.
    </>
  );
}
