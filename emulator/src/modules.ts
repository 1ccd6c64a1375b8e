/**
 * The module registry: each area of the emulator is one Fastify plugin in its own folder. To add
 * an area, export an `EmulatorModule` from its `index.ts` and list it here (one line).
 */
import type { EmulatorModule } from "./context.ts";
import { controlModule } from "./control/index.ts";
import { graphModule } from "./graph/index.ts";
import { identityModule } from "./identity/index.ts";
import { notificationsModule } from "./notifications/index.ts";

export const MODULES: readonly EmulatorModule[] = [
  identityModule,
  graphModule,
  notificationsModule,
  controlModule,
];
