/**
 * Optional JSON persistence of the store to `<dataDir>/state.json`: loaded at start (instead of
 * the seed), saved on an interval when something changed, and on close. Writes are atomic
 * (temp file + rename). Request counters are not persisted.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { consentKey } from "./identity-types.ts";
import { emptyState, type Store } from "./store.ts";
import type { Mailbox, MailFolder, State, StoredMessage } from "./types.ts";

const FORMAT_VERSION = 1;

type JsonFolder = Omit<MailFolder, "messages"> & { messages: StoredMessage[] };
type JsonMailbox = Omit<Mailbox, "folders"> & { folders: JsonFolder[] };
type MapValues<T> = T extends Map<string, infer V> ? V[] : never;

/** The persisted shape: every Map becomes an array of its values. */
export interface PersistedState {
  version: typeof FORMAT_VERSION;
  savedAt: string;
  tenants: MapValues<State["tenants"]>;
  mailboxes: JsonMailbox[];
  apps: MapValues<State["apps"]>;
  consents: MapValues<State["consents"]>;
  authCodes: MapValues<State["authCodes"]>;
  refreshTokens: MapValues<State["refreshTokens"]>;
  subscriptions: MapValues<State["subscriptions"]>;
  deltaTokens: MapValues<State["deltaTokens"]>;
}

export function stateFile(dataDir: string): string {
  return join(dataDir, "state.json");
}

export function serializeState(state: State, savedAtMs: number): PersistedState {
  return {
    version: FORMAT_VERSION,
    savedAt: new Date(savedAtMs).toISOString(),
    tenants: [...state.tenants.values()],
    mailboxes: [...state.mailboxes.values()].map((mailbox) => ({
      ...mailbox,
      folders: [...mailbox.folders.values()].map((folder) => ({
        ...folder,
        messages: [...folder.messages.values()],
      })),
    })),
    apps: [...state.apps.values()],
    consents: [...state.consents.values()],
    authCodes: [...state.authCodes.values()],
    refreshTokens: [...state.refreshTokens.values()],
    subscriptions: [...state.subscriptions.values()],
    deltaTokens: [...state.deltaTokens.values()],
  };
}

export function deserializeState(json: PersistedState): State {
  if (json.version !== FORMAT_VERSION) throw new Error(`unsupported state file version ${json.version}`);
  const state = emptyState();
  // Fields added after version 1 files were written get their defaults.
  for (const tenant of json.tenants)
    state.tenants.set(tenant.id, { ...tenant, maxMessageSizeMB: tenant.maxMessageSizeMB ?? 35 });
  for (const { folders, ...rest } of json.mailboxes) {
    const mailbox: Mailbox = { ...rest, sendAs: rest.sendAs ?? [], folders: new Map() };
    for (const { messages, ...folder } of folders) {
      mailbox.folders.set(folder.id, { ...folder, messages: new Map(messages.map((m) => [m.id, m])) });
    }
    state.mailboxes.set(mailbox.id, mailbox);
  }
  for (const app of json.apps) state.apps.set(app.clientId, app);
  for (const consent of json.consents)
    state.consents.set(consentKey(consent.userId, consent.clientId), consent);
  for (const code of json.authCodes) state.authCodes.set(code.code, code);
  for (const token of json.refreshTokens) state.refreshTokens.set(token.token, token);
  for (const subscription of json.subscriptions) state.subscriptions.set(subscription.id, subscription);
  for (const delta of json.deltaTokens) state.deltaTokens.set(delta.token, delta);
  return state;
}

/** Reads the state file, or undefined when there is none yet. */
export async function loadState(dataDir: string): Promise<State | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return deserializeState(JSON.parse(text) as PersistedState);
}

export async function saveState(store: Store, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const path = stateFile(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(serializeState(store.state, store.clock.now())), { mode: 0o600 });
  await rename(tmp, path);
}

export interface Autosave {
  /** Saves now if anything is pending, and stops the interval. */
  stop(): Promise<void>;
}

/**
 * Saves every `intervalMs` of real time when something changed. Message changes mark the state
 * dirty by themselves; other records are plain Map writes, so the server calls `markDirty` after
 * every non-GET request.
 */
export function startAutosave(
  store: Store,
  dataDir: string,
  intervalMs = 5_000,
): Autosave & { markDirty(): void } {
  let dirty = false;
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    if (!dirty) return saving;
    dirty = false;
    saving = saving.then(() => saveState(store, dataDir));
    return saving;
  };
  const unsubscribe = store.onChange(() => {
    dirty = true;
  });
  const timer = setInterval(() => {
    save().catch((error: unknown) => {
      dirty = true;
      process.emitWarning(`microsoft-emulator: could not save state: ${String(error)}`);
    });
  }, intervalMs);
  timer.unref();
  return {
    markDirty() {
      dirty = true;
    },
    async stop() {
      clearInterval(timer);
      unsubscribe();
      dirty = true;
      await save();
    },
  };
}
