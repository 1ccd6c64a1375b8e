import type { OutboxItem } from "@mailroom/contract";

/** An outgoing reply as the outbox API lists it, for the composer's tests; `overrides` set the rest. */
export function outboxItem(overrides: Partial<OutboxItem> = {}): OutboxItem {
  const now = new Date().toISOString();
  return {
    id: "o1",
    kind: "reply",
    state: "queued",
    channelId: "c1",
    conversationId: "k1",
    messageId: "m1",
    from: "help@contoso.com",
    to: [{ name: "Dana", address: "dana@fabrikam.com" }],
    cc: [],
    bcc: [],
    subject: "RE: Order #1",
    html: "<p>x</p>",
    attachments: [],
    createdBy: { id: "u2", name: "Sam" },
    createdAt: now,
    sendAt: now,
    willGoAt: null,
    error: null,
    ...overrides,
  };
}
