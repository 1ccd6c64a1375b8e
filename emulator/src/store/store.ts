/**
 * The in-memory store: state, lookups, the per-mailbox change log and its listeners.
 * Mutations of messages go through `messages.ts` (which calls `recordChange`); other records are
 * plain Map entries that modules read and write directly on `store.state`.
 */
import type { Clock } from "../clock.ts";
import type {
  AppRegistration,
  ChangeEvent,
  ChangeKind,
  Mailbox,
  MailboxChange,
  State,
  StoredMessage,
  Tenant,
} from "./types.ts";

export type ChangeListener = (change: MailboxChange) => void;
export type Unsubscribe = () => void;

/** Default number of change events kept per mailbox; older ones are pruned (delta → 410). */
export const DEFAULT_CHANGE_LOG_LIMIT = 50_000;

/** Runtime lookups rebuilt from the folders on demand; never persisted. */
interface MailboxIndex {
  folderOfMessage: Map<string, string>;
  messageByInternetId: Map<string, StoredMessage>;
}

export function emptyState(): State {
  return {
    tenants: new Map(),
    mailboxes: new Map(),
    apps: new Map(),
    consents: new Map(),
    authCodes: new Map(),
    refreshTokens: new Map(),
    subscriptions: new Map(),
    deltaTokens: new Map(),
    counters: new Map(),
  };
}

export class Store {
  state: State = emptyState();
  readonly clock: Clock;
  readonly changeLogLimit: number;
  private readonly changeListeners = new Set<{ mailboxId: string | null; listener: ChangeListener }>();
  private readonly resetListeners = new Set<() => void>();
  private indexes = new Map<string, MailboxIndex>();

  constructor(clock: Clock, options: { changeLogLimit?: number } = {}) {
    this.clock = clock;
    this.changeLogLimit = options.changeLogLimit ?? DEFAULT_CHANGE_LOG_LIMIT;
  }

  /** Replaces the whole state (seed, reset, load) and tells modules to drop runtime state. */
  replaceState(state: State): void {
    this.state = state;
    this.indexes = new Map();
    for (const listener of this.resetListeners) listener();
  }

  /** Called after every replaceState: drop timers, caches and anything derived from the old state. */
  onReset(listener: () => void): Unsubscribe {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Listens to message changes of one mailbox, or of every mailbox when mailboxId is null. */
  onChange(listener: ChangeListener, mailboxId: string | null = null): Unsubscribe {
    const entry = { mailboxId, listener };
    this.changeListeners.add(entry);
    return () => this.changeListeners.delete(entry);
  }

  /**
   * Appends to the mailbox's change log and notifies listeners synchronously. Listener errors are
   * rethrown after every listener ran: the change itself is already committed.
   */
  recordChange(
    mailbox: Mailbox,
    kind: ChangeKind,
    messageId: string,
    folderId: string,
    fromFolderId?: string,
  ): ChangeEvent {
    const event: ChangeEvent = { seq: ++mailbox.changeSeq, at: this.clock.now(), kind, messageId, folderId };
    if (fromFolderId !== undefined) event.fromFolderId = fromFolderId;
    mailbox.changes.push(event);
    if (mailbox.changes.length > this.changeLogLimit) {
      const pruned = mailbox.changes.splice(0, mailbox.changes.length - this.changeLogLimit);
      mailbox.changeLogFloor = pruned.at(-1)!.seq;
    }
    const change: MailboxChange = { ...event, mailboxId: mailbox.id, tenantId: mailbox.tenantId };
    const errors: unknown[] = [];
    for (const { mailboxId, listener } of this.changeListeners) {
      if (mailboxId !== null && mailboxId !== mailbox.id) continue;
      try {
        listener(change);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, "change listener failed");
    return event;
  }

  /** Changes after `seq` (exclusive), or undefined when the log was pruned past it. */
  changesSince(mailbox: Mailbox, seq: number): ChangeEvent[] | undefined {
    if (seq < mailbox.changeLogFloor) return undefined;
    // seq values are dense, so the offset into the retained log is arithmetic.
    const start = Math.max(0, seq - mailbox.changeLogFloor);
    return mailbox.changes.slice(start);
  }

  tenant(idOrDomain: string): Tenant | undefined {
    const direct = this.state.tenants.get(idOrDomain.toLowerCase());
    if (direct) return direct;
    const wanted = idOrDomain.toLowerCase();
    for (const tenant of this.state.tenants.values())
      if (tenant.domain.toLowerCase() === wanted) return tenant;
    return undefined;
  }

  app(clientId: string): AppRegistration | undefined {
    return this.state.apps.get(clientId.toLowerCase());
  }

  /** By Graph user id or userPrincipalName (case-insensitive), as `/users/{id|upn}` accepts. */
  mailbox(idOrUpn: string): Mailbox | undefined {
    const direct = this.state.mailboxes.get(idOrUpn.toLowerCase());
    if (direct) return direct;
    const wanted = idOrUpn.toLowerCase();
    for (const mailbox of this.state.mailboxes.values()) {
      if (mailbox.userPrincipalName.toLowerCase() === wanted) return mailbox;
    }
    return undefined;
  }

  /** By any SMTP address the mailbox receives at: mail, UPN or an `smtp:` proxy address. */
  mailboxByAddress(address: string): Mailbox | undefined {
    const wanted = address.toLowerCase();
    for (const mailbox of this.state.mailboxes.values()) {
      if (smtpAddresses(mailbox).includes(wanted)) return mailbox;
    }
    return undefined;
  }

  mailboxesOf(tenantId: string): Mailbox[] {
    return [...this.state.mailboxes.values()].filter((mailbox) => mailbox.tenantId === tenantId);
  }

  /** Lookup tables for one mailbox (internal to the store helpers). */
  indexOf(mailbox: Mailbox): MailboxIndex {
    let index = this.indexes.get(mailbox.id);
    if (!index) {
      index = { folderOfMessage: new Map(), messageByInternetId: new Map() };
      for (const folder of mailbox.folders.values()) {
        for (const message of folder.messages.values()) {
          index.folderOfMessage.set(message.id, folder.id);
          index.messageByInternetId.set(message.internetMessageId, message);
        }
      }
      this.indexes.set(mailbox.id, index);
    }
    return index;
  }
}

/** Lower-cased SMTP addresses of a mailbox (primary first); non-SMTP proxy types are skipped. */
export function smtpAddresses(mailbox: Mailbox): string[] {
  const addresses = [mailbox.mail, mailbox.userPrincipalName];
  for (const proxy of mailbox.proxyAddresses) {
    if (proxy.toLowerCase().startsWith("smtp:")) addresses.push(proxy.slice(5));
  }
  return [...new Set(addresses.map((address) => address.toLowerCase()))];
}
