/**
 * The module registry: each area of the emulator is one Fastify plugin in its own folder. To add
 * an area, export an `EmulatorModule` from its `index.ts` and list it here (one line).
 */
import { batchModule } from "./batch/index.ts";
import type { EmulatorModule } from "./context.ts";
import { controlModule } from "./control/index.ts";
import { faultsModule } from "./faults/index.ts";
import { graphModule } from "./graph/index.ts";
import { identityModule } from "./identity/index.ts";
import { notificationsModule } from "./notifications/index.ts";
import { throttleModule } from "./throttle/index.ts";

export const MODULES: readonly EmulatorModule[] = [
  faultsModule, // root-level hooks: fault bursts run before throttling, which runs before routes
  throttleModule,
  identityModule,
  graphModule,
  notificationsModule,
  batchModule,
  controlModule,
];
