import { describe, expect, it } from "vitest";
import { createClock } from "../clock.ts";
import { defaultSeed, SEED_IDS } from "../seed/default.ts";
import { applySeed, loadSeed } from "../seed.ts";
import { deliverMessage } from "../store/messages.ts";
import { Store } from "../store/store.ts";
import { DEFAULT_MESSAGE_FIELDS, messageView } from "./message-view.ts";

describe("messageView", () => {
  it("writes the default property set exactly like an explicit $select of DEFAULT_MESSAGE_FIELDS", async () => {
    const store = new Store(createClock({ timeScale: 0 }));
    applySeed(store, await loadSeed(defaultSeed));
    const mailbox = store.mailbox(SEED_IDS.users.support)!;
    deliverMessage(store, mailbox, "drafts", { subject: "draft", isDraft: true });
    const messages = [...mailbox.folders.values()].flatMap((folder) => [...folder.messages.values()]);
    expect(messages.length).toBeGreaterThan(5);
    for (const message of messages) {
      for (const bodyType of [null, "text", "html"] as const) {
        for (const immutableIds of [true, false]) {
          const options = { immutableIds, bodyType, context: "ctx", withType: true };
          const fast = messageView(message, { ...options, select: null });
          const generic = messageView(message, { ...options, select: [...DEFAULT_MESSAGE_FIELDS] });
          // Same keys in the same order, same values: the JSON text is identical.
          expect(JSON.stringify(fast)).toBe(JSON.stringify(generic));
        }
      }
    }
  });
});
