import { beforeEach, describe, expect, it } from "vitest";
import { createClock } from "../clock.ts";
import { changeInFolder, changeInMailbox } from "./change-view.ts";
import { findFolder } from "./folders.ts";
import { createMailbox } from "./mailboxes.ts";
import { headerValue } from "./message-headers.ts";
import { deleteMessage, deliverMessage, findMessage, moveMessage, updateMessage } from "./messages.ts";
import { Store } from "./store.ts";
import type { Mailbox, MailboxChange } from "./types.ts";

const dana = { emailAddress: { name: "Dana", address: "dana@fabrikam.com" } };
const support = { emailAddress: { name: "Support", address: "support@contoso.com" } };

describe("store messages", () => {
  let store: Store;
  let mailbox: Mailbox;

  beforeEach(() => {
    store = new Store(createClock({ timeScale: 0, startAt: Date.parse("2024-03-01T09:00:00Z") }));
    store.state.tenants.set("t1", {
      id: "t1",
      domain: "contoso.com",
      displayName: "Contoso",
      kind: "organization",
      sendFromAliasEnabled: true,
      maxMessageSizeMB: 35,
    });
    mailbox = createMailbox(store, {
      tenantId: "t1",
      userPrincipalName: "support@contoso.com",
      displayName: "Support",
      password: "x",
      proxyAddresses: ["SMTP:support@contoso.com", "smtp:help@contoso.com", "X500:/o=Exchange/cn=support"],
    });
  });

  it("fills ids, preview, headers and times from the clock", () => {
    const message = deliverMessage(store, mailbox, "inbox", {
      subject: "Broken lamp",
      from: dana,
      toRecipients: [support],
      body: {
        contentType: "html",
        content: "<html><head><style>p{}</style></head><p>Hello&nbsp;there</p></html>",
      },
    });
    expect(message.id).toMatch(/^AAMkAG[\w-]+AAA=$/);
    expect(message.conversationId).toMatch(/^AAQkAG/);
    expect(message.bodyPreview).toBe("Hello there");
    expect(message.receivedDateTime).toBe("2024-03-01T09:00:00Z");
    expect(message.sender).toEqual(dana);
    expect(message.parentFolderId).toBe(findFolder(mailbox, "inbox")!.id);
    expect(headerValue(message.internetMessageHeaders, "message-id")).toBe(message.internetMessageId);
  });

  it("threads a reply into the conversation named by In-Reply-To or References", () => {
    const first = deliverMessage(store, mailbox, "inbox", { subject: "Order", from: dana });
    const reply = deliverMessage(store, mailbox, "sentitems", {
      subject: "RE: Order",
      from: support,
      inReplyTo: first.internetMessageId,
    });
    const later = deliverMessage(store, mailbox, "inbox", {
      subject: "RE: Order",
      from: dana,
      inReplyTo: "<unknown@elsewhere>",
      references: [first.internetMessageId, reply.internetMessageId],
    });
    const unrelated = deliverMessage(store, mailbox, "inbox", { subject: "Order", from: dana });
    expect(reply.conversationId).toBe(first.conversationId);
    expect(later.conversationId).toBe(first.conversationId);
    expect(unrelated.conversationId).not.toBe(first.conversationId);
    expect(Buffer.from(reply.conversationIndex, "base64")).toHaveLength(27);
    expect(headerValue(later.internetMessageHeaders, "References")).toBe(
      `${first.internetMessageId} ${reply.internetMessageId}`,
    );
  });

  it("records every change with increasing sequence numbers and tells listeners", () => {
    const heard: MailboxChange[] = [];
    store.onChange((change) => heard.push(change), mailbox.id);
    const message = deliverMessage(store, mailbox, "inbox", { subject: "Hi", from: dana });
    const changeKey = message.changeKey;
    updateMessage(store, mailbox, message.id, { isRead: true });
    moveMessage(store, mailbox, message.id, "archive");
    deleteMessage(store, mailbox, message.id);

    const inbox = findFolder(mailbox, "inbox")!.id;
    const archive = findFolder(mailbox, "archive")!.id;
    expect(mailbox.changes.map(({ seq, kind, folderId }) => ({ seq, kind, folderId }))).toEqual([
      { seq: 1, kind: "created", folderId: inbox },
      { seq: 2, kind: "updated", folderId: inbox },
      { seq: 3, kind: "moved", folderId: archive },
      { seq: 4, kind: "deleted", folderId: archive },
    ]);
    expect(mailbox.changes[2]!.fromFolderId).toBe(inbox);
    expect(heard.map((change) => change.mailboxId)).toEqual([mailbox.id, mailbox.id, mailbox.id, mailbox.id]);
    expect(message.changeKey).not.toBe(changeKey);
    expect(findMessage(store, mailbox, message.id)).toBeUndefined();
    expect(store.changesSince(mailbox, 2)!.map((event) => event.seq)).toEqual([3, 4]);
  });

  it("keeps the message id across moves and reads a move per folder", () => {
    const message = deliverMessage(store, mailbox, "inbox", { subject: "Move me", from: dana });
    const moved = moveMessage(store, mailbox, message.id, "archive");
    const event = mailbox.changes.at(-1)!;
    expect(moved.id).toBe(message.id);
    expect(findMessage(store, mailbox, message.id)!.folder.wellKnownName).toBe("archive");
    expect(changeInFolder(event, findFolder(mailbox, "inbox")!.id)).toBe("deleted");
    expect(changeInFolder(event, findFolder(mailbox, "archive")!.id)).toBe("created");
    expect(changeInFolder(event, findFolder(mailbox, "drafts")!.id)).toBeNull();
    expect(changeInMailbox(event)).toBe("updated");
  });

  it("prunes the change log past its limit and says so to delta readers", () => {
    const small = new Store(store.clock, { changeLogLimit: 3 });
    small.state = store.state;
    for (let i = 0; i < 5; i++) deliverMessage(small, mailbox, "inbox", { subject: `m${i}` });
    expect(mailbox.changes.map((event) => event.seq)).toEqual([3, 4, 5]);
    expect(small.changesSince(mailbox, 1)).toBeUndefined();
    expect(small.changesSince(mailbox, 2)!.map((event) => event.seq)).toEqual([3, 4, 5]);
  });

  it("finds a mailbox by any SMTP alias but not by non-SMTP proxy addresses", () => {
    expect(store.mailboxByAddress("HELP@contoso.com")?.id).toBe(mailbox.id);
    expect(store.mailboxByAddress("/o=Exchange/cn=support")).toBeUndefined();
    expect(store.mailbox("Support@Contoso.com")?.id).toBe(mailbox.id);
  });

  it("counts attachments that are not inline", () => {
    const message = deliverMessage(store, mailbox, "inbox", {
      subject: "Logo",
      attachments: [{ name: "logo.png", contentType: "image/png", contentBytes: "iVBORw0K", isInline: true }],
    });
    expect(message.hasAttachments).toBe(false);
    expect(message.attachments[0]!.size).toBe(6);
  });
});
