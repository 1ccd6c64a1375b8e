/**
 * Change notifications: `/v1.0/subscriptions` CRUD with the validation handshake, delivery of
 * change notifications with retries, lifecycle events, and the `/_emulator/notifications` control
 * API. Driven by `store.onChange` and the clock (see runtime.ts).
 * https://learn.microsoft.com/graph/change-notifications-overview
 */
import type { EmulatorModule } from "../context.ts";
import { notificationsControl } from "./control.ts";
import { subscriptionRoutes } from "./routes.ts";
import { notificationRuntime } from "./runtime.ts";

export { notificationRuntime } from "./runtime.ts";
export type { NotificationSettings } from "./settings.ts";

export const notificationsModule: EmulatorModule = {
  name: "notifications",
  prefix: "/v1.0",
  plugin: async (app) => {
    const runtime = notificationRuntime(app.emulator);
    runtime.start();
    app.addHook("onClose", async () => runtime.close());
    await app.register(subscriptionRoutes);
  },
  control: notificationsControl,
};
