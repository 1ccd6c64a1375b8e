import { describe, expect, it } from "vitest";
import { notPublicBecause, webhookAvailability } from "./webhook-mode.ts";

const publicUrls = [
  "https://mailroom.example.com",
  "https://mail.acme.co.uk/",
  "https://Mailroom.Example.COM:8443/base",
  "https://mailroom.example.com./",
  "https://8.8.8.8",
  "https://172.32.0.1",
  "https://172.15.255.255",
  "https://100.128.0.1",
  "https://192.169.0.1",
  "https://[2606:4700:4700::1111]",
  "https://[2a00:1450:4001:82a::200e]:443/x",
  "https://[::ffff:8.8.8.8]",
  "https://[64:ff9b::808:808]",
  "https://xn--mllroom-n2a.example",
];

const notPublic: [string, RegExp][] = [
  ["http://mailroom.example.com", /not https/],
  ["ftp://mailroom.example.com", /not https/],
  ["not a url", /not a valid URL/],
  ["https://localhost", /localhost/],
  ["https://localhost.:3000", /localhost/],
  ["https://LOCALHOST", /localhost/],
  ["https://app.localhost", /localhost/],
  ["https://mailroom.local", /\.local/],
  ["https://mailroom.corp.internal", /\.internal/],
  ["https://router.home.arpa", /\.home\.arpa/],
  ["https://mailroom", /single-label/],
  ["https://127.0.0.1:3000", /loopback/],
  ["https://127.1", /loopback/],
  ["https://0x7f.0.0.1", /loopback/],
  ["https://2130706433", /loopback/],
  ["https://0.0.0.0", /unspecified/],
  ["https://10.1.2.3", /private/],
  ["https://172.16.0.1", /private/],
  ["https://172.31.255.255", /private/],
  ["https://192.168.1.20", /private/],
  ["https://100.64.0.1", /carrier-grade/],
  ["https://169.254.169.254", /link-local/],
  ["https://224.0.0.1", /multicast/],
  ["https://255.255.255.255", /reserved/],
  ["https://198.51.100.7", /documentation/],
  ["https://[::1]", /loopback/],
  ["https://[0:0:0:0:0:0:0:1]:8443", /loopback/],
  ["https://[::]", /unspecified/],
  ["https://[fd12:3456:789a::1]", /unique local/],
  ["https://[fc00::1]", /unique local/],
  ["https://[fe80::1]", /link-local/],
  ["https://[febf:ffff::1]", /link-local/],
  ["https://[fec0::1]", /site-local/],
  ["https://[ff02::1]", /multicast/],
  ["https://[2001:db8::1]", /documentation/],
  ["https://[::ffff:127.0.0.1]", /loopback/],
  ["https://[::ffff:10.0.0.1]", /private/],
  ["https://[::ffff:c0a8:101]", /private/],
  ["https://[64:ff9b::a00:1]", /private/],
];

describe("public URL classification", () => {
  it.each(publicUrls)("%s is public", (url) => {
    expect(notPublicBecause(url)).toBeUndefined();
  });

  it.each(notPublic)("%s is not public", (url, why) => {
    expect(notPublicBecause(url)).toMatch(why);
  });
});

describe("webhook availability", () => {
  const config = (webhooks: "auto" | "on" | "off", publicUrl: string) => ({
    publicUrl,
    sync: { webhooks, sweepMinutes: 15, pollSeconds: 60, webhookRetryMinutes: 60, backfillDays: 7 },
  });

  it("auto: only for a public https PUBLIC_URL, and says what to change otherwise", () => {
    expect(webhookAvailability(config("auto", "https://mailroom.example.com"))).toEqual({ ok: true });
    const local = webhookAvailability(config("auto", "http://localhost:3000"));
    expect(local).toMatchObject({ ok: false, reason: "public_url_not_public" });
    expect(local.ok ? "" : local.detail).toMatch(/Set PUBLIC_URL to a public https URL/);
  });

  it("on: always tries; off: never", () => {
    expect(webhookAvailability(config("on", "http://127.0.0.1:3000"))).toEqual({ ok: true });
    expect(webhookAvailability(config("off", "https://mailroom.example.com"))).toMatchObject({
      ok: false,
      reason: "webhooks_off",
    });
  });
});
