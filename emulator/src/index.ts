/** Public API for in-process use (tests, `npm start`). */
export type { Cancel, Clock, ClockOptions } from "./clock.ts";
export { createClock, graphDateTime } from "./clock.ts";
export type { EmulatorContext, EmulatorModule } from "./context.ts";
export { type AadstsError, aadstsError, aadstsErrorBody } from "./errors/aadsts-error.ts";
export { graphError, graphErrorBody } from "./errors/graph-error.ts";
export { defaultSeed, MAILROOM_APP, SEED_IDS, SEED_PASSWORD } from "./seed/default.ts";
export { applySeed, loadSeed, type Seed, type SeedInput, SeedSchema } from "./seed.ts";
export { createEmulator, type Emulator, type EmulatorOptions } from "./server.ts";
export { changeInFolder, changeInMailbox } from "./store/change-view.ts";
export { findFolder, WELL_KNOWN_FOLDERS } from "./store/folders.ts";
export { createMailbox, type MailboxInput } from "./store/mailboxes.ts";
export {
  deleteMessage,
  deliverMessage,
  findMessage,
  type MessageInput,
  type MessagePatch,
  moveMessage,
  updateMessage,
} from "./store/messages.ts";
export { Store } from "./store/store.ts";
export type * from "./store/types.ts";
export { createTrustingAgent, ensureTls } from "./tls.ts";
