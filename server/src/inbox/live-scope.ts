import { findMembership } from "../accounts/orgs.ts";
import type { Role } from "../accounts/roles.ts";
import type { Db } from "../db/client.ts";
import { type LiveEvent, RESYNC } from "../events/bus.ts";
import { visibleChannelIds } from "./visibility.ts";

/**
 * Which of an org's live events one member's stream may carry. Events about conversations name
 * their channel and go only to people who can see it (a channel feeding an inbox that is org-wide,
 * that they belong to, or any inbox for owners and admins — the rule the conversation queries
 * use), so a restricted inbox's activity stays private to its members. Everything else — channel
 * health, inbox and member lists — is org-wide, as the pages showing it are.
 *
 * The viewer's role and visible channels are read once and kept until an event says they may
 * have changed: `members.updated` (a role or membership changed) is acted on at once — a member
 * who left stops receiving anything — while inbox and channel changes only mark them stale, so a
 * burst of them costs one read, on the next conversation event.
 */
export interface LiveScope {
  /** Whether the event goes to this viewer. Call in event order; answers come in the same order. */
  admits(event: LiveEvent): Promise<Admission>;
}

export type Admission = "send" | "skip" | "end";

/**
 * Events after which the viewer's visible channels are read again. After a `resync` (this process
 * missed events, a membership change among them perhaps) the next conversation event reads them
 * again, and ends the stream of someone who left meanwhile.
 */
const STALE_AFTER = new Set(["inboxes.updated", "channels.updated", RESYNC]);
const CHANNEL_SCOPED = new Set(["conversations.updated", "outbox.updated", "presence.updated"]);
/** Kept at most this long even without an event saying so (a missed event heals itself). */
const MAX_AGE_MS = 60_000;

interface Visible {
  /** The viewer is still a member of the org. */
  member: boolean;
  /** Channels they can see; "all" for owners and admins. */
  channels: ReadonlySet<string> | "all";
  readAt: number;
}

export function liveScope(db: Db, viewer: { orgId: string; userId: string }): LiveScope {
  let visible: Promise<Visible> | undefined;

  const read = async (): Promise<Visible> => {
    const readAt = Date.now();
    const membership = await findMembership(db, viewer.userId, viewer.orgId);
    if (!membership) return { member: false, channels: new Set(), readAt };
    const role: Role = membership.role;
    if (role === "owner" || role === "admin") return { member: true, channels: "all", readAt };
    const ids = await visibleChannelIds(db, { ...viewer, role });
    return { member: true, channels: new Set(ids), readAt };
  };
  const current = (): Promise<Visible> => {
    if (!visible) {
      visible = read();
      // A failed read is not kept: the next event tries again.
      visible.catch(() => {
        visible = undefined;
      });
    }
    return visible;
  };

  return {
    async admits(event) {
      if (event.type === "members.updated") {
        visible = undefined;
        return (await current()).member ? "send" : "end";
      }
      if (STALE_AFTER.has(event.type)) {
        visible = undefined;
        return "send";
      }
      // Events about a channel's mail (outgoing messages and presence included) follow its visibility.
      if (!CHANNEL_SCOPED.has(event.type) || !("channelId" in event.data)) return "send";
      const { channelId } = event.data;
      if (channelId === undefined) return "send";
      let scope = await current();
      if (Date.now() - scope.readAt > MAX_AGE_MS) {
        visible = undefined;
        scope = await current();
      }
      if (!scope.member) return "end";
      return scope.channels === "all" || scope.channels.has(channelId) ? "send" : "skip";
    },
  };
}
