import { defineRoute, noContent } from "@mailroom/contract";
import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { contractRoute } from "../contract-route.ts";
import { registerProblemHandler } from "./problem.ts";

const renameThing = defineRoute({
  method: "PATCH",
  path: "/api/things/:id",
  params: z.object({ id: z.string().max(5) }),
  query: z.object({ dryRun: z.enum(["true", "false"]).default("false") }),
  body: z
    .object({ name: z.string().min(1, "Give it a name").optional(), size: z.number().int().optional() })
    .strict(),
  response: { 200: z.object({ thing: z.object({ id: z.string(), name: z.string() }) }), 204: noContent },
});
const pickDays = defineRoute({
  method: "POST",
  path: "/api/days",
  body: z.object({ days: z.number({ error: "Choose 7 or 30 days" }) }),
  response: { 200: z.object({ days: z.number() }) },
});
const broken = defineRoute({
  method: "GET",
  path: "/api/broken",
  response: { 200: z.object({ when: z.iso.datetime() }) },
});

let app: FastifyInstance;
const logged: unknown[] = [];

beforeAll(async () => {
  app = Fastify({
    logger: { level: "error", stream: { write: (line: string) => logged.push(JSON.parse(line)) } },
  });
  registerProblemHandler(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.route({
    ...contractRoute(renameThing),
    handler: async (request, reply) => {
      if (request.query.dryRun === "true") return reply.status(204).send();
      // The private field is not in the schema, so it never leaves the server.
      const thing = { id: request.params.id, name: request.body.name ?? "unnamed", secret: "s3cr3t" };
      return { thing };
    },
  });
  api.route({
    ...contractRoute(pickDays, { validationTitle: "Choose how far back to sync" }),
    handler: async (request) => ({ days: request.body.days }),
  });
  api.route({
    ...contractRoute(broken),
    // A handler whose answer its schema refuses ("yesterday" is not an ISO time).
    handler: async () => JSON.parse('{"when": "yesterday"}'),
  });
  await app.ready();
});

afterAll(() => app.close());

const patch = (url: string, payload?: unknown) =>
  app.inject({ method: "PATCH", url, ...(payload === undefined ? {} : { payload: payload as object }) });

describe("contractRoute", () => {
  it("gives the handler the route's params, query and body, and answers with its schema's fields only", async () => {
    const res = await patch("/api/things/t1", { name: "Box" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ thing: { id: "t1", name: "Box" } });
    expect((await patch("/api/things/t1?dryRun=true", {})).statusCode).toBe(204);
  });

  it("reads a request without a body as {}", async () => {
    const res = await patch("/api/things/t1");
    expect(res.json()).toEqual({ thing: { id: "t1", name: "unnamed" } });
  });

  it("refuses what the schemas refuse with a validation_failed problem naming the fields", async () => {
    const res = await patch("/api/things/t1", { name: "", size: 1.5 });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      code: "validation_failed",
      title: "Some fields are not valid",
      fields: [
        { field: "name", message: "Give it a name" },
        { field: "size", message: expect.any(String) },
      ],
    });
    const params = await patch("/api/things/toolong", {});
    expect(params.json()).toMatchObject({ code: "validation_failed", fields: [{ field: "id" }] });
    const query = await patch("/api/things/t1?dryRun=maybe", {});
    expect(query.json()).toMatchObject({ code: "validation_failed", fields: [{ field: "dryRun" }] });
    const unknown = await patch("/api/things/t1", { colour: "red" });
    expect(unknown.statusCode).toBe(400);
  });

  it("uses the route's own title for a refused request when it names one", async () => {
    const res = await app.inject({ method: "POST", url: "/api/days", payload: { days: "many" } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      title: "Choose how far back to sync",
      fields: [{ field: "days", message: "Choose 7 or 30 days" }],
    });
  });

  it("answers a response that doesn't match its schema with a 500, and logs what didn't match", async () => {
    const res = await app.inject({ method: "GET", url: "/api/broken" });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: "internal", title: "Something went wrong on our side" });
    expect(res.body).not.toContain("yesterday");
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: "response does not match its schema",
        issues: [expect.objectContaining({ path: ["when"] })],
      }),
    );
  });
});
