import { describe, expect, it } from "vitest";
import type { Mailbox } from "../store/types.ts";
import { InputError } from "./message-input.ts";
import { resolveSenders, SEND_AS_DENIED } from "./send-as.ts";

const mailbox = {
  displayName: "Contoso Support",
  mail: "support@contoso.com",
  userPrincipalName: "support@contoso.com",
  proxyAddresses: ["SMTP:support@contoso.com", "smtp:help@contoso.com"],
  sendAs: [
    { address: "sales@contoso.com", onBehalf: false },
    { address: "ceo@contoso.com", onBehalf: true },
  ],
} as Mailbox;
const address = (to: string) => ({ emailAddress: { address: to } });
const me = { emailAddress: { name: "Contoso Support", address: "support@contoso.com" } };
const on = { sendFromAliasEnabled: true };
const off = { sendFromAliasEnabled: false };

describe("resolveSenders", () => {
  it("sends as the mailbox when from is absent or the primary address", () => {
    expect(resolveSenders(mailbox, on, null)).toEqual({ from: me, sender: me });
    expect(resolveSenders(mailbox, on, address("Support@Contoso.com"))).toEqual({ from: me, sender: me });
  });

  it("keeps an alias with SendFromAliasEnabled and rewrites it to the primary address without", () => {
    const alias = { emailAddress: { name: "Contoso Support", address: "help@contoso.com" } };
    expect(resolveSenders(mailbox, on, address("help@contoso.com"))).toEqual({ from: alias, sender: alias });
    expect(resolveSenders(mailbox, off, address("help@contoso.com"))).toEqual({ from: me, sender: me });
  });

  it("sends as a granted address, or on its behalf, and refuses any other (the doc's ErrorSendAsDenied)", () => {
    const sales = { emailAddress: { name: "Sales", address: "sales@contoso.com" } };
    expect(resolveSenders(mailbox, off, address("sales@contoso.com"), () => "Sales")).toEqual({
      from: sales,
      sender: sales,
    });
    const ceo = { emailAddress: { name: "ceo@contoso.com", address: "ceo@contoso.com" } };
    expect(resolveSenders(mailbox, off, address("ceo@contoso.com"))).toEqual({ from: ceo, sender: me });
    expect(() => resolveSenders(mailbox, on, address("PattiF@contoso.com"))).toThrow(
      new InputError(403, "ErrorSendAsDenied", SEND_AS_DENIED),
    );
  });
});
