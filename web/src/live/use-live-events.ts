import { useEffect, useRef } from "react";
import { type LiveEvent, subscribeLiveEvents } from "./live-events.ts";

/**
 * Calls `onEvent` for every live event of the active org while the component is mounted.
 * The latest `onEvent` is always used, so callers need not memoise it.
 */
export function useLiveEvents(onEvent: (event: LiveEvent) => void): void {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => subscribeLiveEvents((event) => handler.current(event)), []);
}
