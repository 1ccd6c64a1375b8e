import type { Config } from "../../config.ts";

/**
 * Whether this server should ask Graph for change notifications at all. Graph delivers only to
 * https URLs it can reach from the internet, and checks that before it creates a subscription; a
 * PUBLIC_URL on localhost or a private network would only ever be refused, so with WEBHOOKS=auto
 * we don't try and the channel polls instead, saying what to change.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation
 * https://learn.microsoft.com/graph/api/resources/subscription (notificationUrl must be https)
 */
export type WebhookAvailability =
  | { ok: true }
  | { ok: false; reason: "public_url_not_public" | "webhooks_off"; detail: string };

export function webhookAvailability(config: Pick<Config, "publicUrl" | "sync">): WebhookAvailability {
  if (config.sync.webhooks === "on") return { ok: true };
  if (config.sync.webhooks === "off") {
    return {
      ok: false,
      reason: "webhooks_off",
      detail:
        "WEBHOOKS=off: this server doesn't ask Microsoft for notifications. Set WEBHOOKS=auto and a public https PUBLIC_URL for real-time mail.",
    };
  }
  const why = notPublicBecause(config.publicUrl);
  if (why === undefined) return { ok: true };
  return {
    ok: false,
    reason: "public_url_not_public",
    detail: `PUBLIC_URL ${why}, so Microsoft can't deliver notifications to it. Set PUBLIC_URL to a public https URL (or WEBHOOKS=on if a tunnel makes it reachable).`,
  };
}

/** Why `url` is not a public https URL Graph could call, or undefined when it is. */
export function notPublicBecause(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a valid URL";
  }
  if (parsed.protocol !== "https:") return "is not https";
  // WHATWG URL already lower-cases hosts, brackets IPv6 and normalises IPv4 forms (127.1, 0x7f.0.0.1).
  const host = parsed.hostname.replace(/\.$/, "");
  if (host.startsWith("[")) return ipv6NotPublic(host.slice(1, -1));
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return ipv4NotPublic(host);
  if (host === "localhost" || host.endsWith(".localhost")) return "points at this machine (localhost)";
  for (const suffix of PRIVATE_SUFFIXES) {
    if (host.endsWith(suffix)) return `is on a private network name (${suffix})`;
  }
  if (!host.includes(".")) return "is a single-label host name that only resolves on a local network";
  return undefined;
}

/** Names that never resolve on the public internet (RFC 6762, 8375, 6761, ICANN's .internal). */
const PRIVATE_SUFFIXES = [".local", ".internal", ".home.arpa", ".lan", ".localdomain", ".test", ".invalid"];

/** IPv4 ranges Graph could never reach (RFC 1918, 6598, 3927, 5735/6890 special-purpose). */
const IPV4_BLOCKED: readonly [string, number, string][] = [
  ["0.0.0.0", 8, "is an unspecified address"],
  ["10.0.0.0", 8, "is a private address"],
  ["100.64.0.0", 10, "is a shared (carrier-grade NAT) address"],
  ["127.0.0.0", 8, "points at this machine (loopback)"],
  ["169.254.0.0", 16, "is a link-local address"],
  ["172.16.0.0", 12, "is a private address"],
  ["192.0.0.0", 24, "is a reserved address"],
  ["192.0.2.0", 24, "is a documentation address"],
  ["192.168.0.0", 16, "is a private address"],
  ["198.18.0.0", 15, "is a benchmarking address"],
  ["198.51.100.0", 24, "is a documentation address"],
  ["203.0.113.0", 24, "is a documentation address"],
  ["224.0.0.0", 4, "is a multicast address"],
  ["240.0.0.0", 4, "is a reserved address"],
];

function ipv4Number(address: string): number {
  return address.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function ipv4NotPublic(address: string): string | undefined {
  const n = ipv4Number(address);
  for (const [base, bits, why] of IPV4_BLOCKED) {
    const size = 2 ** (32 - bits);
    const start = ipv4Number(base);
    if (n >= start && n < start + size) return why;
  }
  return undefined;
}

/** Eight 16-bit groups, or undefined when the text is not an IPv6 address. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4Number(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}

function ipv6NotPublic(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (!g) return "is not a valid address";
  const [a, b] = [g[0]!, g[1]!];
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(7) && g[7] === 1) return "points at this machine (loopback)";
  if (zeroUpTo(8)) return "is an unspecified address";
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address: judge that.
  const embedded = `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
  if (zeroUpTo(5) && g[5] === 0xffff) return ipv4NotPublic(embedded);
  if (a === 0x64 && b === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4NotPublic(embedded);
  if ((a & 0xfe00) === 0xfc00) return "is a private (unique local) address";
  if ((a & 0xffc0) === 0xfe80) return "is a link-local address";
  if ((a & 0xffc0) === 0xfec0) return "is a site-local address";
  if ((a & 0xff00) === 0xff00) return "is a multicast address";
  if (a === 0x2001 && b === 0x0db8) return "is a documentation address";
  if (zeroUpTo(6)) return "is a reserved address";
  return undefined;
}
