/**
 * Change notifications: `/v1.0/subscriptions` CRUD, validation handshake, delivery with retries and
 * lifecycle events, driven by `store.onChange` and the clock. (To be built.)
 */
import type { EmulatorModule } from "../context.ts";

export const notificationsModule: EmulatorModule = {
  name: "notifications",
  prefix: "/v1.0",
  plugin: async () => {},
};
