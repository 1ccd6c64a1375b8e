import { messageBodyDocument, routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireMember } from "../../accounts/session.ts";
import { contractRoute } from "../../contract-route.ts";
import { badRequest, notFound } from "../../errors.ts";
import type { InboxRoutesOptions } from "../conversation-routes.ts";
import { findVisibleMessage } from "../conversation-store.ts";
import type { Viewer } from "../visibility.ts";
import { bodyDocument, bodyDocumentHeaders } from "./body-document.ts";
import { allowRemoteImages, blockRemoteImages } from "./image-allowances.ts";
import { messageRenderer } from "./message-render.ts";

/**
 * Reading a message's real HTML (ADR 017): the sanitized document for the sandboxed frame, its
 * summary for the UI around it, and allowing remote images. 404 unless the member may see the
 * conversation and the message is in it.
 */
export const bodyRoutes: FastifyPluginAsyncZod<InboxRoutesOptions> = async (app, options) => {
  const { auth, database } = options;
  const db = database.db;
  const deps = {
    config: options.config,
    db,
    box: options.secretBox,
    events: options.events,
    logger: options.logger,
  };

  async function visibleMessage(viewer: Viewer, conversationId: string, messageId: string) {
    const row = await findVisibleMessage(db, viewer, messageId);
    if (row.conversationId !== conversationId) throw notFound("Message");
    return row;
  }

  const render = messageRenderer(deps);

  app.get(messageBodyDocument.path, async (request, reply) => {
    const m = await requireMember(request, auth, database);
    const params = messageBodyDocument.params.safeParse(request.params);
    const query = messageBodyDocument.query.safeParse(request.query);
    if (!params.success || !query.success) throw badRequest("Not a message body address");
    const row = await visibleMessage(m, params.data.id, params.data.messageId);
    const { rendered, allowed } = await render(m.orgId, row, query.data.quoted === "1");
    return (
      reply
        .headers(bodyDocumentHeaders(allowed !== null))
        // The sandbox gives the document an opaque origin, always in an agent cluster of its own;
        // helmet's request to key it by origin cannot apply, and Chromium warns on every frame.
        .removeHeader("origin-agent-cluster")
        // For API clients; the web app reads the summary route, as a frame's headers are out of reach.
        .header("x-mailroom-remote-images", String(rendered.remoteImages))
        .type("text/html; charset=utf-8")
        .send(bodyDocument(rendered))
    );
  });

  app.route({
    ...contractRoute(routes.getMessageBodySummary),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const row = await visibleMessage(m, request.params.id, request.params.messageId);
      return { summary: (await render(m.orgId, row, false)).summary };
    },
  });

  app.route({
    ...contractRoute(routes.allowRemoteImages),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const row = await visibleMessage(m, request.params.id, request.params.messageId);
      await allowRemoteImages(db, m, row, request.body.scope);
      return { summary: (await render(m.orgId, row, false)).summary };
    },
  });

  app.route({
    ...contractRoute(routes.blockRemoteImages),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const row = await visibleMessage(m, request.params.id, request.params.messageId);
      await blockRemoteImages(db, m.orgId, row);
      return { summary: (await render(m.orgId, row, false)).summary };
    },
  });
};
