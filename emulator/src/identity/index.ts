/**
 * Entra ID v2: `/:tenant/v2.0/.well-known/openid-configuration`, `/:tenant/discovery/v2.0/keys`,
 * `/:tenant/oauth2/v2.0/authorize|token`, the sign-in and consent pages (`/:tenant/login/*`),
 * and identity control routes under `/_emulator`.
 */
import type { FastifyInstance } from "fastify";
import type { EmulatorModule } from "../context.ts";
import { authorizeRoutes } from "./authorize.ts";
import { identityControlRoutes } from "./control.ts";
import { discoveryRoutes } from "./discovery.ts";
import { loginStepRoutes } from "./login-steps.ts";
import { clearIdentityRuntime } from "./runtime.ts";
import { tokenRoutes } from "./token-endpoint.ts";

async function identityPlugin(app: FastifyInstance): Promise<void> {
  const ctx = app.emulator;
  ctx.store.onReset(() => clearIdentityRuntime(ctx));
  await app.register(discoveryRoutes);
  await app.register(authorizeRoutes);
  await app.register(loginStepRoutes);
  await app.register(tokenRoutes);
}

export const identityModule: EmulatorModule = {
  name: "identity",
  plugin: identityPlugin,
  control: identityControlRoutes,
};
