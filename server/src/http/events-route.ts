import type { FastifyPluginAsync } from "fastify";
import type { Auth } from "../accounts/auth.ts";
import { requireMember } from "../accounts/session.ts";
import type { Database } from "../db/client.ts";
import type { EventBus, LiveEvent } from "../events/bus.ts";
import { liveScope } from "../inbox/live-scope.ts";

const HEARTBEAT_MS = 25_000;

/**
 * `GET /api/events`: the org's live events as Server-Sent Events. Each web process holds its own
 * streams and receives every event through the bus (Postgres NOTIFY), so any node can serve any
 * browser. Events about conversations reach only those who can see their channel (live-scope.ts);
 * a member who leaves the org has their stream ended. Heartbeats keep proxies from closing idle
 * streams.
 */
export const eventsRoute: FastifyPluginAsync<{ auth: Auth; database: Database; events: EventBus }> = async (
  app,
  { auth, database, events },
) => {
  const open = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of open) end();
  });

  app.get("/api/events", async (request, reply) => {
    const member = await requireMember(request, auth, database);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      "x-request-id": request.id,
    });
    // HEAD gets the headers only: Node ignores writes to a HEAD response, so a stream would
    // never send its headers and the request would hang until the client gave up.
    if (request.method === "HEAD") {
      res.end();
      return;
    }
    const send = (event: LiveEvent) => {
      if (!res.writableEnded) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    };
    res.write("retry: 3000\n\n");
    send({ type: "ready", data: { orgId: member.orgId } });
    const scope = liveScope(database.db, member);
    // One at a time, so events keep their order while a scope check waits on the database.
    let queue = Promise.resolve();
    const deliver = (event: LiveEvent) => {
      queue = queue.then(async () => {
        try {
          const admission = await scope.admits(event);
          if (admission === "send") send(event);
          else if (admission === "end") end();
        } catch (err) {
          // Not knowing who may see it, the event is not sent (pages catch up on their next load).
          request.log.warn(
            { err, type: event.type },
            "live event not sent: the viewer's scope could not be read",
          );
        }
      });
    };
    const unsubscribe = events.subscribe(member.orgId, deliver);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      if (!res.writableEnded) res.end();
    };
    open.add(end);
    request.raw.on("close", end);
  });
};
