import { Writable } from "node:stream";
import pretty from "pino-pretty";
import { describe, expect, it } from "vitest";
import { createLogger, PRETTY_OPTIONS, redactUrl } from "./log.ts";

describe("redactUrl", () => {
  it("hides the OAuth callback's code, state and session_state but keeps Microsoft's error", () => {
    expect(redactUrl("/api/outlook/oauth2/callback?code=0.AX4A&state=abc&session_state=f00")).toBe(
      "/api/outlook/oauth2/callback?code=[redacted]&state=[redacted]&session_state=[redacted]",
    );
    expect(
      redactUrl("/api/outlook/oauth2/callback?error=access_denied&error_description=AADSTS65004&state=abc"),
    ).toBe("/api/outlook/oauth2/callback?error=access_denied&error_description=AADSTS65004&state=[redacted]");
  });

  it("hides a validationToken on any URL, even with its name percent-encoded", () => {
    expect(redactUrl("/api/outlook/webhook?validationToken=Validation%3a+Testing")).toBe(
      "/api/outlook/webhook?validationToken=[redacted]",
    );
    expect(redactUrl("/api/outlook/lifecycle?validation%54oken=x")).toBe(
      "/api/outlook/lifecycle?validation%54oken=[redacted]",
    );
  });

  it("leaves other URLs alone", () => {
    expect(redactUrl("/api/conversations?limit=50&cursor=abc")).toBe(
      "/api/conversations?limit=50&cursor=abc",
    );
    expect(redactUrl("/api/outlook/oauth2/callback")).toBe("/api/outlook/oauth2/callback");
  });
});

describe("createLogger", () => {
  it("writes requests with their URL redacted", () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: "info" }, { write: (line: string) => lines.push(line) });
    logger.info(
      { req: { method: "GET", url: "/api/outlook/oauth2/callback?code=secret" } },
      "incoming request",
    );
    const logged = JSON.parse(lines[0]!) as { req: { method: string; url: string } };
    expect(logged.req).toMatchObject({ method: "GET", url: "/api/outlook/oauth2/callback?code=[redacted]" });
  });

  it("never writes the SMTP URL, which carries the password", () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: "info" }, { write: (line: string) => lines.push(line) });
    const smtp = { url: "smtps://mailroom:s3cret-pass@smtp.example.com:465", from: "a@b.c" };
    logger.info({ smtp }, "top level");
    logger.info({ config: { smtp } }, "nested");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain("s3cret-pass");
  });

  it("keeps the redaction in development's readable lines", async () => {
    let written: (text: string) => void = () => {};
    const line = new Promise<string>((resolve) => {
      written = resolve;
    });
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written(chunk.toString());
        done();
      },
    });
    const logger = createLogger(
      { logLevel: "info" },
      pretty({ ...PRETTY_OPTIONS, colorize: false, destination }),
    );
    logger.info(
      {
        req: { method: "GET", url: "/api/outlook/oauth2/callback?code=secret" },
        app: { clientSecret: "s3" },
      },
      "incoming request",
    );
    const text = await line;
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: incoming request/);
    expect(text).toContain("/api/outlook/oauth2/callback?code=[redacted]");
    expect(text).not.toContain("secret");
    expect(text).not.toContain("s3");
  });
});
