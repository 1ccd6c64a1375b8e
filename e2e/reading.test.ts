import { mkdtemp } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";
import { ensureTls } from "../emulator/src/tls.ts";
import { waitFor } from "../server/test/wait-for.ts";
import { createReadyAccount } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, openPage } from "./browser.ts";
import { type ConnectWorld, connectMailbox, signInAs, startConnectWorld } from "./microsoft.ts";

/**
 * Hostile inbound HTML opened in the inbox (ADR 017): nothing in it runs, it never shares the
 * app's origin, and it loads nothing remote until the agent says "Show images" — measured by a
 * tracker server of our own that records every request. Its inline image shows.
 */

let world: ConnectWorld;
let browser: Browser;
let tracker: https.Server;
let trackerUrl: string;
const hits: string[] = [];

/** A solid 48×48 orange PNG, encoded here so the screenshot shows something unmistakable. */
function orangePng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const size = 48;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(size).fill([0xf0, 0x80, 0x10]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array(size).fill(row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  assertWebBuilt();
  const tls = await ensureTls(await mkdtemp(join(tmpdir(), "mailroom-tracker-")));
  tracker = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    hits.push(new URL(req.url ?? "/", "https://tracker").pathname);
    res.writeHead(200, { "content-type": "image/png", "access-control-allow-origin": "*" });
    res.end(orangePng());
  });
  await new Promise<void>((resolve) => tracker.listen(0, "127.0.0.1", resolve));
  trackerUrl = `https://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
  world = await startConnectWorld({ platform: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
  await new Promise((resolve) => tracker?.close(resolve));
});

/** Every trick a hostile sender might try; each names the tracker path it would reach. */
function hostileCorpus(t: string): string {
  const steal = (path: string) => `fetch('${t}/${path}');top.document.title='pwned-${path}'`;
  return `<html><head>
    <meta http-equiv="refresh" content="0;url=${t}/refresh">
    <base href="${t}/base/">
    <link rel="stylesheet" href="${t}/link.css">
    <script>${steal("script")}</script>
    <style>@import url(${t}/import.css); .bg { background: url(${t}/css-bg.png) } .esc { background: \\75 rl(${t}/escaped.png) }</style>
  </head><body onload="${steal("onload")}">
    <h1>Your order</h1>
    <p>Here is the photo: <img src="cid:photo@shop" alt="Photo of the parcel" width="48" height="48"></p>
    <img src="x" onerror="${steal("onerror")}">
    <svg onload="${steal("svg")}"><script>${steal("svgscript")}</script></svg>
    <a id="js" href="javascript:${steal("jslink")}">Click for a discount</a>
    <a href="data:text/html,<script>${steal("datalink")}</script>">Open data</a>
    <a href="https://help.example.org/returns">Help center</a>
    <form action="${t}/form" method="post"><input name="password" value="x"><button>Send</button></form>
    <iframe src="${t}/iframe"></iframe><object data="${t}/object"></object><embed src="${t}/embed">
    <div class="bg esc" style="background-image: url(${t}/inline-bg.png)">Background</div>
    <img src="${t}/pixel.gif" width="1" height="1"><img srcset="${t}/srcset.png 1x">
    <video poster="${t}/poster.png"></video>
  </body></html>`;
}

describe("Reading hostile mail in Chromium", () => {
  it("runs nothing, stays off the app's origin, loads nothing remote until allowed, shows the inline image", async () => {
    const owner = await createReadyAccount(world.server, { name: "Rita Reader", orgName: "Read Co" });
    await connectMailbox(world, owner.client, { subscriptions: false });
    const subject = `Hostile ${Date.now()}`;
    const sent = await emulatorFetch(
      world.emulator,
      "/_emulator/mailboxes/support@contoso.com/inbound",
      jsonInit("POST", {
        from: { name: "Mallory Sender", address: "mallory@example.net" },
        subject,
        html: hostileCorpus(trackerUrl),
        attachments: [
          {
            name: "photo.png",
            contentType: "image/png",
            contentBase64: orangePng().toString("base64"),
            inline: true,
            contentId: "photo@shop",
          },
          { name: "receipt.png", contentType: "image/png", contentBase64: orangePng().toString("base64") },
          {
            name: "terms.pdf",
            contentType: "application/pdf",
            contentBase64: Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64"),
          },
        ],
      }),
    );
    expect(sent.status).toBe(201);

    const { page, problems, close } = await openPage(browser, {
      baseURL: world.server.url,
      ignoreHTTPSErrors: true,
    });
    try {
      await signInAs(page, owner.client, world.server);
      await page.goto("/inbox");
      const item = page.getByRole("link", { name: new RegExp(subject) });
      await item.waitFor({ timeout: 60_000 });
      const title = await page.title();
      await item.click();

      const frameElement = page.locator('iframe[title="Message from Mallory Sender"]');
      await frameElement.waitFor();
      expect(await frameElement.getAttribute("sandbox")).toBe("allow-popups allow-popups-to-escape-sandbox");
      const body = page.frameLocator('iframe[title="Message from Mallory Sender"]');
      const photo = body.getByRole("img", { name: "Photo of the parcel" });
      await photo.waitFor();
      // Loaded, before this test runs anything in the frame: not one script was even attempted
      // (Chromium logs "Blocked script execution" for each one a sandbox refuses).
      const frame = await waitFor(() => page.frames().find((f) => f.url().includes("/body")), {
        what: "the body frame",
        timeoutMs: 30_000,
      });
      await frame.waitForLoadState("load");
      expect(problems).toEqual([]);
      // The inline image is decoded (a data: URI from its attachment), not a broken image.
      await waitFor(async () => (await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)) === 48, {
        what: "the inline image to load",
        timeoutMs: 30_000,
      });
      expect(await photo.getAttribute("src")).toMatch(/^data:image\/png;base64,/);

      // An opaque origin: the app's page can't reach into the frame, and the frame isn't the app.
      expect(await frameElement.evaluate((f: HTMLIFrameElement) => f.contentDocument === null)).toBe(true);
      expect(await frame.evaluate(() => self.origin)).toBe("null");

      // Links open in a new tab without a referrer; script links lost their target.
      const help = body.getByRole("link", { name: "Help center" });
      expect(await help.getAttribute("target")).toBe("_blank");
      expect(await help.getAttribute("rel")).toBe("noopener noreferrer");
      expect(await body.getByText("Click for a discount").getAttribute("href")).toBeNull();
      await body.getByText("Click for a discount").click();
      expect(
        await body.locator("form, input, button, iframe, object, embed, svg, script, video").count(),
      ).toBe(0);

      // Everything has had its chance to load (the frame is complete): nothing reached the tracker.
      await waitFor(async () => (await frame.evaluate(() => document.readyState)) === "complete", {
        what: "the frame to finish loading",
        timeoutMs: 30_000,
      });
      expect(hits).toEqual([]);
      expect(await page.title()).toBe(title);
      await page.getByText("4 remote images are blocked", { exact: false }).waitFor();
      await page.screenshot({ path: "/tmp/e2e-reading-hostile.png", fullPage: true });

      // Allowed: the remote images (and only those) load, in a frame that still runs nothing.
      await page.getByRole("button", { name: "Show images" }).click();
      await waitFor(() => hits.includes("/pixel.gif") && hits.includes("/inline-bg.png"), {
        what: "the remote images to load once allowed",
        timeoutMs: 30_000,
      });
      const allowed = new Set(["/pixel.gif", "/inline-bg.png", "/css-bg.png", "/escaped.png"]);
      expect(hits.filter((h) => !allowed.has(h))).toEqual([]);
      expect(await page.title()).toBe(title);
      await page.screenshot({ path: "/tmp/e2e-reading-images.png", fullPage: true });
      // The whole message in its own tab: still sandboxed by its CSP, still showing the image.
      const [tab] = await Promise.all([
        page.waitForEvent("popup"),
        page.getByRole("link", { name: "Open in a new tab" }).click(),
      ]);
      await tab.getByRole("img", { name: "Photo of the parcel" }).waitFor();
      expect(await tab.evaluate(() => self.origin)).toBe("null");
      await tab.close();

      // Attachments: listed with type and size; the image previews in a dialog, the PDF in a tab.
      const files = page.getByRole("list", { name: "Attachments" });
      await files.getByText(/^PNG image · \d+ bytes$/).waitFor();
      expect(await files.getByRole("listitem").count()).toBe(2);
      const pdf = files.getByRole("link", { name: "Preview terms.pdf (opens in a new tab)" });
      expect(await pdf.getAttribute("target")).toBe("_blank");
      expect(await pdf.getAttribute("href")).toMatch(/\/attachments\/[\w-]+\?inline=1$/);
      await files.getByRole("button", { name: "Preview receipt.png" }).click();
      const preview = page.getByRole("dialog", { name: "receipt.png" });
      const previewImage = preview.getByRole("img", { name: "receipt.png" });
      await waitFor(
        async () => (await previewImage.evaluate((img: HTMLImageElement) => img.naturalWidth)) === 48,
        {
          what: "the attachment preview to load",
          timeoutMs: 30_000,
        },
      );
      await page.screenshot({ path: "/tmp/e2e-reading-preview.png" });
      await preview.getByRole("button", { name: "Close" }).click();

      // The document itself holds no script: later "Blocked script execution" lines come from this
      // test's own evaluate() calls into the frame, refused by its sandbox as they should be.
      const served = await page.request.get(frame.url());
      expect(served.headers()["content-security-policy"]).toContain("sandbox");
      expect(await served.text()).not.toMatch(/<script|\son[a-z]+\s*=|javascript:/i);
      expect(problems.filter((p) => !p.startsWith("Blocked script execution in"))).toEqual([]);
    } finally {
      await close();
    }
  });
});
