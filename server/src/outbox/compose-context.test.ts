import { describe, expect, it } from "vitest";
import type { MessageRow } from "../mail/read-thread.ts";
import { replyDefaults } from "./compose-context.ts";

const from = {
  choices: [
    { address: "support@contoso.com", isPrimary: true },
    { address: "help@contoso.com", isPrimary: false },
  ],
  others: [],
};

function message(fields: Partial<MessageRow>): MessageRow {
  return {
    id: "m1",
    direction: "inbound",
    fromAddress: "dana@fabrikam.com",
    fromName: "Dana",
    toRecipients: [{ name: null, address: "help@contoso.com" }],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    subject: "Order",
    ...fields,
  } as MessageRow;
}

describe("who a reply goes to", () => {
  it("goes to the sender, and reply-all adds the others but the mailbox's own addresses", () => {
    const d = replyDefaults(
      message({
        toRecipients: [
          { name: null, address: "help@contoso.com" },
          { name: "Sam", address: "sam@fabrikam.com" },
        ],
        ccRecipients: [
          { name: null, address: "Support@Contoso.com" },
          { name: "Lee", address: "lee@fabrikam.com" },
        ],
      }),
      from,
    );
    expect(d.reply.to.map((p) => p.address)).toEqual(["dana@fabrikam.com"]);
    expect(d.replyAll.to.map((p) => p.address)).toEqual(["dana@fabrikam.com", "sam@fabrikam.com"]);
    expect(d.replyAll.cc.map((p) => p.address)).toEqual(["lee@fabrikam.com"]);
  });

  it("goes to the original's Reply-To when it has one", () => {
    const d = replyDefaults(
      message({ replyTo: [{ name: "Tickets", address: "tickets@fabrikam.com" }] }),
      from,
    );
    expect(d.reply.to).toEqual([{ name: "Tickets", address: "tickets@fabrikam.com" }]);
  });

  it("answering our own message goes to its recipients again", () => {
    const d = replyDefaults(
      message({
        direction: "outbound",
        fromAddress: "support@contoso.com",
        toRecipients: [{ name: "Dana", address: "dana@fabrikam.com" }],
      }),
      from,
    );
    expect(d.reply.to.map((p) => p.address)).toEqual(["dana@fabrikam.com"]);
  });
});
