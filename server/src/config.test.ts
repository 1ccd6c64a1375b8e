import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, MICROSOFT_GRAPH_DEFAULT, MICROSOFT_LOGIN_DEFAULT } from "./config.ts";

describe("config", () => {
  it("gives the embedded defaults when nothing is set", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe("http://localhost:3000");
    expect(c.secureCookies).toBe(false);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe(path.resolve("./data"));
    expect(c.role).toBe("all");
    expect(c.microsoft).toEqual({
      clientId: undefined,
      clientSecret: undefined,
      loginUrl: MICROSOFT_LOGIN_DEFAULT,
      graphUrl: MICROSOFT_GRAPH_DEFAULT,
    });
  });

  it("derives secure cookies and strips the trailing slash of an https PUBLIC_URL", () => {
    const c = loadConfig({ PUBLIC_URL: "https://mail.example.com/" });
    expect(c.publicUrl).toBe("https://mail.example.com");
    expect(c.secureCookies).toBe(true);
  });

  it("follows PORT in the default PUBLIC_URL", () => {
    expect(loadConfig({ PORT: "8080" }).publicUrl).toBe("http://localhost:8080");
  });

  it("points Microsoft endpoints at the emulator when told to", () => {
    const c = loadConfig({
      MICROSOFT_LOGIN_URL: "https://localhost:4443/",
      MICROSOFT_GRAPH_URL: "https://localhost:4443",
    });
    expect(c.microsoft.loginUrl).toBe("https://localhost:4443");
    expect(c.microsoft.graphUrl).toBe("https://localhost:4443");
  });

  it("treats empty variables as unset", () => {
    const c = loadConfig({
      DATABASE_URL: "",
      MICROSOFT_CLIENT_ID: "",
      MICROSOFT_CLIENT_SECRET: "",
      PUBLIC_URL: "",
    });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.microsoft.clientId).toBeUndefined();
  });

  it("lists every invalid variable in one error", () => {
    const err = (() => {
      try {
        loadConfig({ PORT: "seventy", ROLE: "boss", DATABASE_URL: "mysql://x", PUBLIC_URL: "ftp://x" });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    for (const name of ["PORT", "ROLE", "DATABASE_URL", "PUBLIC_URL"]) expect(message).toContain(name);
  });

  it("requires the platform client id and secret together", () => {
    expect(() => loadConfig({ MICROSOFT_CLIENT_ID: "abc" })).toThrow(/set together/);
    expect(loadConfig({ MICROSOFT_CLIENT_ID: "abc", MICROSOFT_CLIENT_SECRET: "s" }).microsoft.clientId).toBe(
      "abc",
    );
  });

  it("accepts the scale-out roles and a postgres URL", () => {
    const c = loadConfig({
      ROLE: "worker",
      DATABASE_URL: "postgres://u:p@db:5432/mailroom",
      MAILROOM_SECRET_KEY: "k",
    });
    expect(c.role).toBe("worker");
    expect(c.databaseUrl).toBe("postgres://u:p@db:5432/mailroom");
  });

  it("opens no health port unless HEALTH_PORT is set, and refuses a bad one", () => {
    expect(loadConfig({}).healthPort).toBeUndefined();
    expect(loadConfig({ HEALTH_PORT: "" }).healthPort).toBeUndefined();
    expect(loadConfig({ ROLE: "worker", HEALTH_PORT: "9464" }).healthPort).toBe(9464);
    expect(() => loadConfig({ HEALTH_PORT: "70000" })).toThrow(/HEALTH_PORT/);
    expect(() => loadConfig({ HEALTH_PORT: "health" })).toThrow(/HEALTH_PORT/);
  });

  it("requires a shared secret key on Postgres, where several processes must agree on it", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://db/mailroom" })).toThrow(
      /MAILROOM_SECRET_KEY is required/,
    );
  });

  it("trusts no proxy by default, so X-Forwarded-For can't dodge the login rate limit", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: "127.0.0.1, 10.0.0.0/8" }).trustProxy).toEqual([
      "127.0.0.1",
      "10.0.0.0/8",
    ]);
  });

  it("allows Vite's origin only in dev", () => {
    expect(loadConfig({}).allowedOrigins).toEqual(["http://localhost:3000"]);
    expect(loadConfig({ WEB_DEV: "true" }).allowedOrigins).toEqual([
      "http://localhost:3000",
      "http://localhost:5173",
    ]);
  });

  it("sends no email unless SMTP_URL is set, and then needs SMTP_FROM and an smtp(s) URL", () => {
    expect(loadConfig({}).smtp).toBeUndefined();
    expect(loadConfig({ SMTP_URL: "", SMTP_FROM: "" }).smtp).toBeUndefined();
    const url = "smtps://mailroom:s3cret@smtp.example.com:465";
    expect(loadConfig({ SMTP_URL: url, SMTP_FROM: "Mailroom <mr@example.com>" }).smtp).toEqual({
      url,
      from: "Mailroom <mr@example.com>",
    });
    expect(() => loadConfig({ SMTP_URL: url })).toThrow(/SMTP_FROM is required/);
    const bad = () => loadConfig({ SMTP_URL: "http://user:s3cret@smtp.example.com", SMTP_FROM: "a@b.c" });
    expect(bad).toThrow(/SMTP_URL/);
    // The refusal names the variable, never the password inside it.
    expect(bad).not.toThrow(/s3cret/);
  });
});
