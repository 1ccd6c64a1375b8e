import { useCallback, useEffect, useRef, useState } from "react";
import { type LiveEvent, RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import { useLoad } from "../ui/use-load.ts";
import { getSyncHealth, listSyncHealth, type SyncHealthSummary } from "./channels-api.ts";

/** Sync health kept live: which events refetch it, how often at most, and the follow-up of "Check now". */

/** Live events that may change a channel's health (`concerns` names them too). */
const HEALTH_EVENTS = new Set<LiveEvent["type"]>(["sync.health", "sync.progress", "conversations.updated"]);
/** Bursts of live events (a big first sync sends one per page) refetch at most this often. */
const REFETCH_EVERY_MS = 1_000;
/** After "Check now", how often and how long the page looks for the check's result. */
const FOLLOW_UP_EVERY_MS = 2_000;
const FOLLOW_UP_MS = 30_000;

/**
 * One channel's sync health, refetched (throttled) on its sync events, with a function to call
 * after "Check now" that follows up until the check's result shows.
 */
export function useChannelSyncHealth(channelId: string) {
  const [loaded, reload] = useLoad(() => getSyncHealth(channelId).then((r) => r.sync), channelId);
  const refetch = useThrottled(reload, REFETCH_EVERY_MS);
  useLiveEvents((event) => {
    if (concerns(event, channelId)) refetch();
  });
  useTick(30_000);
  const watchCheck = useFollowUp(reload, loaded.status === "ready" ? loaded.data.lastDeltaAt : undefined);
  return [loaded, watchCheck] as const;
}

/**
 * Sync health of every channel of the org, for Settings > Channels, kept live: refetched (at most
 * once a second) on sync events and whenever the channel list itself changes.
 */
export function useSyncHealthSummaries(): Map<string, SyncHealthSummary> {
  const [loaded, reload] = useLoad(() => listSyncHealth().then((r) => r.channels), "sync-health");
  const refetch = useThrottled(reload, REFETCH_EVERY_MS);
  useLiveEvents((event) => {
    if (HEALTH_EVENTS.has(event.type) || event.type === "channels.updated" || event.type === RECONNECTED)
      refetch();
  });
  useTick(30_000);
  return new Map(loaded.status === "ready" ? loaded.data.map((h) => [h.channelId, h]) : []);
}

function concerns(event: LiveEvent, channelId: string): boolean {
  switch (event.type) {
    case RECONNECTED:
      return true;
    case "channels.updated":
      return event.data.channelId === channelId || !event.data.channelId;
    case "sync.health":
    case "sync.progress":
    case "conversations.updated":
      return event.data.channelId === channelId;
    default:
      return false;
  }
}

/** Calls `fn` at once, then at most once per `ms`, with one trailing call for what came meanwhile. */
function useThrottled(fn: () => Promise<void>, ms: number): () => void {
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    const wait = last.current + ms - Date.now();
    const fire = () => {
      timer.current = undefined;
      last.current = Date.now();
      void latest.current();
    };
    if (wait <= 0) fire();
    else timer.current = setTimeout(fire, wait);
  }, [ms]);
}

/**
 * After "Check now": refetch every few seconds until the last full check changes (or give up after
 * a while). A check that finds nothing new publishes no conversation event to wake the page.
 */
function useFollowUp(reload: () => Promise<void>, lastDeltaAt: string | null | undefined): () => void {
  const [from, setFrom] = useState<{ value: string | null | undefined; at: number } | null>(null);
  useEffect(() => {
    if (from === null) return;
    if (lastDeltaAt !== from.value) return setFrom(null);
    const id = setInterval(() => {
      if (Date.now() - from.at > FOLLOW_UP_MS) setFrom(null);
      else void reload();
    }, FOLLOW_UP_EVERY_MS);
    return () => clearInterval(id);
  }, [from, lastDeltaAt, reload]);
  return () => setFrom({ value: lastDeltaAt, at: Date.now() });
}

/** Re-renders every `ms`, so "2 minutes ago" doesn't stay "just now". */
function useTick(ms: number): void {
  const [, setNow] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
}
