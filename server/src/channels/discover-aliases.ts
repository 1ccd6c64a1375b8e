import type { GraphMe } from "../microsoft/me.ts";
import type { AliasSource } from "./schema.ts";

export interface DiscoveredAlias {
  /** As Microsoft spells it (case kept for display); compared case-insensitively. */
  address: string;
  isPrimary: boolean;
  source: AliasSource;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/**
 * Every SMTP address of a mailbox, primary first. `proxyAddresses` is the authority: `SMTP:` is
 * the primary, `smtp:` an alias, other prefixes (X500:, SIP:, SPO:…) are not mail addresses.
 * Then `mail`, `otherMails` and a mail-shaped `userPrincipalName` (guest `#EXT#` UPNs excluded).
 * Personal accounts often have no proxyAddresses at all.
 * https://learn.microsoft.com/graph/api/resources/user (proxyAddresses)
 */
export function discoverAliases(me: GraphMe): DiscoveredAlias[] {
  const candidates: DiscoveredAlias[] = [];
  for (const entry of me.proxyAddresses ?? []) {
    const colon = entry.indexOf(":");
    if (colon === -1 || entry.slice(0, colon).toLowerCase() !== "smtp") continue;
    candidates.push({
      address: entry.slice(colon + 1).trim(),
      isPrimary: entry.startsWith("SMTP:"),
      source: "proxyAddresses",
    });
  }
  if (me.mail) candidates.push({ address: me.mail.trim(), isPrimary: false, source: "mail" });
  for (const other of me.otherMails ?? [])
    candidates.push({ address: other.trim(), isPrimary: false, source: "otherMails" });
  const upn = me.userPrincipalName?.trim();
  if (upn && !upn.includes("#EXT#"))
    candidates.push({ address: upn, isPrimary: false, source: "userPrincipalName" });

  const seen = new Map<string, DiscoveredAlias>();
  for (const c of candidates) {
    if (!EMAIL.test(c.address)) continue;
    const key = c.address.toLowerCase();
    const existing = seen.get(key);
    if (!existing) seen.set(key, { ...c });
    else if (c.isPrimary) existing.isPrimary = true;
  }
  const aliases = [...seen.values()];
  // Exactly one primary: proxyAddresses' SMTP:, else `mail`, else the first address found.
  const primaries = aliases.filter((a) => a.isPrimary);
  const primary = primaries[0] ?? aliases.find((a) => a.source === "mail") ?? aliases[0];
  for (const a of aliases) a.isPrimary = a === primary;
  return aliases.sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary));
}
