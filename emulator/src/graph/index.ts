/** Microsoft Graph mail under `/v1.0`: users, mailFolders, messages, delta, send, $batch. (To be built.) */
import type { EmulatorModule } from "../context.ts";

export const graphModule: EmulatorModule = {
  name: "graph",
  prefix: "/v1.0",
  plugin: async () => {},
};
