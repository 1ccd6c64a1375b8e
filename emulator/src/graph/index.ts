/**
 * Microsoft Graph mail. `/v1.0`: users, mailFolders, messages (list/get/patch/delete/move/copy),
 * delta, attachments, upload sessions, replies and sending — all behind the bearer-token hook.
 * `/api/gv1.0/…`: the pre-authenticated upload URL of attachment upload sessions (no token).
 * Control routes (`/_emulator/…`) are in control.ts.
 */
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { EmulatorModule } from "../context.ts";
import { registerAttachmentRoutes } from "./attachments.ts";
import { authenticate, authorizeRoutes } from "./auth.ts";
import { graphControl } from "./control.ts";
import { registerDeltaRoutes } from "./delta.ts";
import { registerFolderRoutes } from "./folders.ts";
import { registerMessageWriteRoutes } from "./message-actions.ts";
import { registerMessageReadRoutes } from "./messages.ts";
import { registerSendRoutes } from "./send.ts";
import { registerCreateUploadSession, uploadPlugin } from "./upload-session.ts";
import { registerUserRoutes } from "./users.ts";

export type { GraphPrincipal } from "./principal.ts";

async function graphApi(app: FastifyInstance): Promise<void> {
  app.addHook("onRequest", authenticate);
  authorizeRoutes(app);
  registerUserRoutes(app);
  registerFolderRoutes(app);
  registerDeltaRoutes(app);
  registerMessageReadRoutes(app);
  registerMessageWriteRoutes(app);
  registerAttachmentRoutes(app);
  registerCreateUploadSession(app);
  registerSendRoutes(app);
}

/**
 * Not encapsulated (like fastify-plugin's skip-override), so the module's `/v1.0` prefix does not
 * apply here and the upload endpoint can live beside it under `/api`. Request decorators are
 * therefore visible to every module (`request.graphPrincipal` for $batch and throttling).
 */
const graphPlugin: FastifyPluginAsync = async (app) => {
  app.decorateRequest("graphPrincipal", null);
  app.decorateRequest("graphMailbox", null);
  await app.register(graphApi, { prefix: "/v1.0" });
  await app.register(uploadPlugin, { prefix: "/api" });
};
Object.assign(graphPlugin, { [Symbol.for("skip-override")]: true });

export const graphModule: EmulatorModule = {
  name: "graph",
  prefix: "/v1.0",
  plugin: graphPlugin,
  control: graphControl,
};
