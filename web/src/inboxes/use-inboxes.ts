import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api.ts";
import { type LiveEvent, RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import { type ChannelOption, type Inbox, listChannelOptions, listInboxes } from "./inboxes-api.ts";

interface InboxesState {
  inboxes: Inbox[] | null;
  /** The org's channels, for linking; only loaded for people who can manage inboxes. */
  channels: ChannelOption[];
  error: string | null;
  reload(): Promise<void>;
}

const REFRESH_ON = new Set<LiveEvent["type"]>(["inboxes.updated", "channels.updated", RECONNECTED]);

/** The org's shared inboxes (and channels, for admins), kept fresh by live events. */
export function useInboxes(withChannels: boolean): InboxesState {
  const [inboxes, setInboxes] = useState<Inbox[] | null>(null);
  const [channels, setChannels] = useState<ChannelOption[]>([]);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  const reload = useCallback(async () => {
    const request = ++latest.current;
    try {
      const [i, c] = await Promise.all([
        listInboxes(),
        withChannels ? listChannelOptions() : Promise.resolve({ channels: [] }),
      ]);
      if (request !== latest.current) return; // a newer load already answered
      setInboxes(i.inboxes);
      setChannels(c.channels);
      setError(null);
    } catch (e) {
      if (request === latest.current) setError(errorMessage(e));
    }
  }, [withChannels]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useLiveEvents((event) => {
    if (REFRESH_ON.has(event.type)) void reload();
  });

  return { inboxes, channels, error, reload };
}
