import type { TestClient } from "../../server/test/harness.ts";

export interface ReceivedEvent {
  type: string;
  data: unknown;
  /** performance.now() when the event's last byte arrived. */
  at: number;
}

/**
 * An SSE client on `GET /api/events` with the browser's cookies, as the web app's EventSource.
 * Calls `onEvent` for every complete event; `close()` ends the stream.
 */
export async function openEventStream(client: TestClient, onEvent: (event: ReceivedEvent) => void) {
  const controller = new AbortController();
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(new URL("/api/events", client.baseUrl), {
    headers: { cookie, accept: "text/event-stream" },
    signal: controller.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`GET /api/events: ${res.status}`);
  let readyNow = () => {};
  const ready = new Promise<void>((resolve) => {
    readyNow = resolve;
  });
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const at = performance.now();
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) type = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (!data) continue;
          if (type === "ready") readyNow();
          onEvent({ type, data: JSON.parse(data), at });
        }
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
  })();
  await ready;
  return {
    async close() {
      controller.abort();
      await done;
    },
  };
}
