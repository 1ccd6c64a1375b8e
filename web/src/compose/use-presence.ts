import type { PresenceActivity } from "@mailroom/contract";
import { routes } from "@mailroom/contract";
import { useEffect, useState } from "react";
import { callApi } from "../api.ts";
import { useLiveEvents } from "../live/use-live-events.ts";

/** Renewed this often while it lasts; the server's presence lapses after 45 s without one. */
const RENEW_MS = 20_000;

/** Tells colleagues this member is viewing (or replying to) the conversation, while mounted. */
export function useAnnouncePresence(conversationId: string, activity: "viewing" | "composing") {
  useEffect(() => {
    const say = (a: PresenceActivity) =>
      callApi(routes.setPresence, { params: { id: conversationId }, body: { activity: a } }).catch(() => {
        // Presence is a courtesy: a lost announcement only means colleagues don't see it.
      });
    void say(activity);
    const timer = setInterval(() => void say(activity), RENEW_MS);
    return () => {
      clearInterval(timer);
      void say("left");
    };
  }, [conversationId, activity]);
}

export interface Presence {
  userId: string;
  name: string;
  activity: "viewing" | "composing";
}

/** Colleagues (not `selfId`) viewing or replying to the conversation now, live. */
export function usePresenceOf(conversationId: string, selfId: string): Presence[] {
  const [people, setPeople] = useState<Map<string, Presence & { until: number }>>(new Map());
  useLiveEvents((event) => {
    if (event.type !== "presence.updated" || event.data.conversationId !== conversationId) return;
    const { userId, name, activity, until } = event.data;
    if (userId === selfId) return;
    setPeople((current) => {
      const next = new Map(current);
      if (activity === "left") next.delete(userId);
      else next.set(userId, { userId, name, activity, until: Date.parse(until) });
      return next;
    });
  });
  // Drop presences that lapsed without a renewal (a closed tab says nothing).
  useEffect(() => {
    const timer = setInterval(() => {
      setPeople((current) => {
        const now = Date.now();
        const kept = [...current].filter(([, p]) => p.until > now);
        return kept.length === current.size ? current : new Map(kept);
      });
    }, 5_000);
    return () => clearInterval(timer);
  }, []);
  return [...people.values()];
}
