/**
 * Entra ID v2: `/:tenant/v2.0/.well-known/openid-configuration`, `/:tenant/oauth2/v2.0/*`,
 * `/:tenant/discovery/v2.0/keys`, sign-in and consent pages. (To be built.)
 */
import type { EmulatorModule } from "../context.ts";

export const identityModule: EmulatorModule = {
  name: "identity",
  plugin: async () => {},
};
