import { describe, expect, it } from "vitest";
import { discoverAliases } from "./discover-aliases.ts";

describe("discoverAliases", () => {
  it("takes the primary from SMTP:, aliases from smtp:, and drops non-SMTP entries and duplicates", () => {
    const aliases = discoverAliases({
      id: "u1",
      mail: "Support@contoso.com",
      userPrincipalName: "support@contoso.com",
      proxyAddresses: [
        "smtp:help@contoso.com",
        "SMTP:support@contoso.com",
        "X500:/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=abc",
        "SIP:support@contoso.com",
        "smtp:billing@contoso.com",
        "smtp:support@contoso.onmicrosoft.com",
      ],
      otherMails: ["HELP@contoso.com", "not an address"],
    });
    expect(aliases).toEqual([
      { address: "support@contoso.com", isPrimary: true, source: "proxyAddresses" },
      { address: "help@contoso.com", isPrimary: false, source: "proxyAddresses" },
      { address: "billing@contoso.com", isPrimary: false, source: "proxyAddresses" },
      { address: "support@contoso.onmicrosoft.com", isPrimary: false, source: "proxyAddresses" },
    ]);
  });

  it("falls back to mail as primary for personal accounts without proxyAddresses", () => {
    const aliases = discoverAliases({
      id: "u2",
      mail: "sam@outlook.com",
      userPrincipalName: "sam@outlook.com",
      proxyAddresses: null,
    });
    expect(aliases).toEqual([{ address: "sam@outlook.com", isPrimary: true, source: "mail" }]);
  });

  it("ignores guest UPNs and keeps otherMails", () => {
    const aliases = discoverAliases({
      id: "u3",
      mail: null,
      userPrincipalName: "pat_fabrikam.com#EXT#@contoso.onmicrosoft.com",
      otherMails: ["pat@fabrikam.com"],
    });
    expect(aliases).toEqual([{ address: "pat@fabrikam.com", isPrimary: true, source: "otherMails" }]);
  });

  it("returns nothing when Microsoft gives no address at all", () => {
    expect(discoverAliases({ id: "u4" })).toEqual([]);
  });
});
