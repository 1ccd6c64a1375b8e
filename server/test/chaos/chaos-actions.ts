import { graph, userToken } from "../../../emulator/src/graph/testing.ts";
import type { Emulator } from "../../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../../emulator/src/testing/emulator-fetch.ts";
import type { ConnectedMailbox } from "./compare.ts";

/** mulberry32: a small seeded PRNG, so a failing run's choices can be replayed with its seed. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T | undefined => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
export type Random = ReturnType<typeof seededRandom>;

type Weighted<T> = readonly (readonly [T, number])[];

export function pickWeighted<T>(random: Random, choices: Weighted<T>): T {
  const total = choices.reduce((n, [, w]) => n + w, 0);
  let roll = random.next() * total;
  for (const [choice, weight] of choices) {
    roll -= weight;
    if (roll < 0) return choice;
  }
  return choices[choices.length - 1]![0];
}

export type ChaosAction =
  | "inbound"
  | "internal-mail"
  | "reply"
  | "toggle-read"
  | "move-out"
  | "move-back"
  | "delete"
  | "drop-notifications"
  | "duplicate-notifications"
  | "http-burst"
  | "evict-delta";

/** How often each happens: mostly mail and mailbox changes, faults now and then. */
export const ACTION_WEIGHTS: Weighted<ChaosAction> = [
  ["inbound", 6],
  ["internal-mail", 2],
  ["reply", 2],
  ["toggle-read", 3],
  ["move-out", 2],
  ["move-back", 1],
  ["delete", 1],
  ["drop-notifications", 1.5],
  ["duplicate-notifications", 1.5],
  ["http-burst", 1],
  ["evict-delta", 0.7],
];

/**
 * What a user, their correspondents and Microsoft do to the mailboxes while Mailroom syncs: mail
 * arrives, people read, file, delete and reply in Outlook, and Graph drops, repeats and throttles.
 * Every change goes through the emulator's Graph API (as Outlook would) or its control API.
 */
export class ChaosActor {
  readonly counts = new Map<string, number>();
  private serial = 0;
  private readonly tokens = new Map<string, string>();

  private readonly weights: Weighted<ChaosAction>;

  constructor(
    private readonly emulator: Emulator,
    private readonly mailboxes: ConnectedMailbox[],
    private readonly random: Random,
    /** Actions left out (to narrow a failure down to one kind of fault). */
    without: readonly string[] = [],
  ) {
    this.weights = ACTION_WEIGHTS.filter(([action]) => !without.includes(action));
  }

  /** One random action; answers what it did (or that it found nothing to do it to). */
  async step(): Promise<string> {
    const action = pickWeighted(this.random, this.weights);
    const mailbox = this.random.pick(this.mailboxes)!;
    const done = await this.run(action, mailbox);
    const key = done ? action : `${action} (nothing to do)`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    return key;
  }

  /** An inbound message to every mailbox: "mail keeps arriving" after the chaos, a last nudge. */
  async inboundToEach(subject: string): Promise<void> {
    for (const mailbox of this.mailboxes) await this.inbound(mailbox, subject);
  }

  private async run(action: ChaosAction, mailbox: ConnectedMailbox): Promise<boolean> {
    switch (action) {
      case "inbound":
        return this.inbound(mailbox);
      case "internal-mail":
        return this.internalMail(mailbox);
      case "reply": {
        const target = this.pickMessage(mailbox, ["inbox"]);
        if (!target) return false;
        await this.graphCall(mailbox, `/users/${mailbox.mailboxId}/messages/${target}/reply`, "POST", {
          comment: `Reply ${this.nextSerial()} from the mailbox itself`,
        });
        return true;
      }
      case "toggle-read": {
        const target = this.pickMessage(mailbox, ["inbox", "sentitems"]);
        if (!target) return false;
        const current = this.messageIsRead(mailbox, target);
        await this.graphCall(mailbox, `/users/${mailbox.mailboxId}/messages/${target}`, "PATCH", {
          isRead: !current,
        });
        return true;
      }
      case "move-out": {
        const target = this.pickMessage(mailbox, ["inbox", "sentitems"]);
        if (!target) return false;
        await this.graphCall(mailbox, `/users/${mailbox.mailboxId}/messages/${target}/move`, "POST", {
          destinationId: this.random.pick(["archive", "deleteditems"]),
        });
        return true;
      }
      case "move-back": {
        const target = this.pickMessage(mailbox, ["archive", "deleteditems"]);
        if (!target) return false;
        await this.graphCall(mailbox, `/users/${mailbox.mailboxId}/messages/${target}/move`, "POST", {
          destinationId: "inbox",
        });
        return true;
      }
      case "delete": {
        const target = this.pickMessage(mailbox, ["inbox", "sentitems", "archive"]);
        if (!target) return false;
        await this.graphCall(mailbox, `/users/${mailbox.mailboxId}/messages/${target}`, "DELETE");
        return true;
      }
      case "drop-notifications":
        await this.control("/_emulator/notifications/faults", {
          kind: "drop",
          count: this.random.int(1, 5),
          mailboxId: mailbox.mailboxId,
          announceMissed: this.random.chance(0.3),
        });
        return true;
      case "duplicate-notifications":
        await this.control("/_emulator/notifications/faults", {
          kind: "duplicate",
          count: this.random.int(1, 5),
          mailboxId: mailbox.mailboxId,
        });
        return true;
      case "http-burst":
        // Only Mailroom's calls (/v1.0/me…): this actor's own calls go to /v1.0/users/{id}.
        await this.control("/_emulator/faults/burst", {
          status: this.random.pick([429, 503]),
          count: this.random.int(2, 8),
          retryAfterSeconds: this.random.pick([0.2, 0.5, 1]),
          pathPrefix: "/v1.0/me",
          mailbox: mailbox.mailboxId,
        });
        return true;
      case "evict-delta":
        await this.control("/_emulator/delta/evict", { mailbox: mailbox.mailboxId });
        return true;
    }
  }

  private nextSerial() {
    return ++this.serial;
  }

  private async inbound(mailbox: ConnectedMailbox, subject?: string): Promise<boolean> {
    const n = this.nextSerial();
    // A third of the mail answers an earlier message, so it joins that conversation.
    const parent = this.random.chance(0.33) ? this.pickInternetMessageId(mailbox) : undefined;
    await this.control(`/_emulator/mailboxes/${mailbox.mailboxId}/inbound`, {
      from: { name: `Customer ${n % 7}`, address: `customer${n % 7}@example.net` },
      subject: subject ?? (parent ? `Re: chaos ${n}` : `Chaos ${n}`),
      text: `Message ${n}`,
      ...(parent ? { inReplyTo: parent } : {}),
    });
    return true;
  }

  private async internalMail(from: ConnectedMailbox): Promise<boolean> {
    const to = this.random.pick(this.mailboxes.filter((m) => m !== from));
    if (!to) return false;
    const n = this.nextSerial();
    await this.graphCall(from, `/users/${from.mailboxId}/sendMail`, "POST", {
      message: {
        subject: `Internal ${n}`,
        body: { contentType: "Text", content: `From ${from.upn} to ${to.upn}` },
        toRecipients: [{ emailAddress: { address: to.upn } }],
      },
      saveToSentItems: true,
    });
    return true;
  }

  private folderMessages(mailbox: ConnectedMailbox, folders: string[]) {
    const box = this.emulator.store.mailbox(mailbox.mailboxId);
    if (!box) throw new Error(`no mailbox ${mailbox.upn}`);
    return [...box.folders.values()]
      .filter((f) => f.wellKnownName && folders.includes(f.wellKnownName))
      .flatMap((f) => [...f.messages.values()])
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  private pickMessage(mailbox: ConnectedMailbox, folders: string[]): string | undefined {
    return this.random.pick(this.folderMessages(mailbox, folders))?.id;
  }

  private pickInternetMessageId(mailbox: ConnectedMailbox): string | undefined {
    return this.random.pick(this.folderMessages(mailbox, ["inbox", "sentitems"]))?.internetMessageId;
  }

  private messageIsRead(mailbox: ConnectedMailbox, id: string): boolean {
    return this.folderMessages(mailbox, ["inbox", "sentitems"]).find((m) => m.id === id)?.isRead ?? false;
  }

  /** Delegated tokens live an hour at least: one per mailbox is enough for a run. */
  private token(mailbox: ConnectedMailbox): string {
    let token = this.tokens.get(mailbox.mailboxId);
    if (!token) {
      token = userToken(this.emulator, mailbox.mailboxId);
      this.tokens.set(mailbox.mailboxId, token);
    }
    return token;
  }

  private async control(path: string, body: unknown): Promise<void> {
    const res = await emulatorFetch(this.emulator, path, jsonInit("POST", body));
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }

  /** A Graph call as the mailbox's owner in Outlook; throttling is waited out as clients do. */
  private async graphCall(mailbox: ConnectedMailbox, path: string, method: string, body?: unknown) {
    for (let attempt = 0; ; attempt++) {
      const res = await graph(this.emulator, `/v1.0${path}`, {
        method,
        token: this.token(mailbox),
        ...(body !== undefined ? { body } : {}),
      });
      if ((res.status === 429 || res.status === 503) && attempt < 10) {
        await res.body?.cancel();
        const seconds = Number(res.headers.get("retry-after") ?? "1");
        await new Promise((r) => setTimeout(r, seconds * 1000));
        continue;
      }
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
      return;
    }
  }
}
