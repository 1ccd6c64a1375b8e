import { describe, expect, it } from "vitest";
import type { RecentMessage } from "../mail/read-conversations.ts";
import { participantsFor } from "./participants.ts";

const mailbox = "Support@contoso.com";
const inbound = (address: string, name: string | null = null): RecentMessage => ({
  direction: "inbound",
  fromName: name,
  fromAddress: address,
  toRecipients: [{ name: null, address: mailbox }],
});
const outbound = (...to: string[]): RecentMessage => ({
  direction: "outbound",
  fromName: "Support",
  fromAddress: mailbox,
  toRecipients: to.map((address) => ({ name: null, address })),
});

describe("who a conversation is with", () => {
  it("names senders of inbound mail and recipients of outbound mail, newest first", () => {
    expect(
      participantsFor([outbound("dana@fabrikam.com"), inbound("lee@fabrikam.com", "Lee")], mailbox),
    ).toEqual([
      { name: null, address: "dana@fabrikam.com" },
      { name: "Lee", address: "lee@fabrikam.com" },
    ]);
  });

  it("leaves out the mailbox itself and names each address once, whatever its case", () => {
    const people = participantsFor(
      [inbound("lee@fabrikam.com"), outbound("LEE@fabrikam.com", "support@CONTOSO.com")],
      mailbox,
    );
    expect(people).toEqual([{ name: null, address: "lee@fabrikam.com" }]);
  });

  it("names at most five people", () => {
    const many = outbound(...Array.from({ length: 8 }, (_, i) => `p${i}@fabrikam.com`));
    expect(participantsFor([many], mailbox)).toHaveLength(5);
  });
});
