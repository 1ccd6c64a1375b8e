import { expect } from "vitest";
import type { TestClient } from "./harness.ts";

export interface ReceivedEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Opens GET /api/events with the client's cookies and collects the events it receives. */
export async function listenToEvents(client: TestClient, baseUrl = client.baseUrl) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/events`, {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events: ReceivedEvent[] = [];
  let ended = false;
  const decoder = new TextDecoder();
  let buffer = "";
  (async () => {
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (type && data) events.push({ type, data: JSON.parse(data) });
      }
    }
  })()
    .catch(() => {})
    .finally(() => {
      ended = true;
    });
  return {
    events,
    /** The server closed the stream (or `close` was called). */
    ended: () => ended,
    close: () => controller.abort(),
  };
}
