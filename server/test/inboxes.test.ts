import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "../src/channels/schema.ts";
import {
  createOrg,
  join,
  MANY_USERS_ENV,
  type MemberBody,
  members,
  type OrgBody,
  type Problem,
  signUp,
} from "./accounts-helpers.ts";
import { startTestServer, type TestClient, type TestServer } from "./harness.ts";

/**
 * Settings > Inboxes over real HTTP. Org A: an owner, an admin, and two members (one listed on a
 * restricted inbox, one not). Org B: an owner with its own inbox and channel, whose ids answer
 * 404 in A exactly like ids that don't exist.
 */
interface InboxBody {
  id: string;
  name: string;
  description: string;
  color: string;
  visibility: "org" | "restricted";
  isDefault: boolean;
  channels: { id: string; email: string }[];
  members: { userId: string; name: string; email: string }[];
}

let server: TestServer;
let owner: TestClient;
let admin: TestClient;
let listed: TestClient;
let unlisted: TestClient;
let ownerB: TestClient;
let orgA: OrgBody;
let orgB: OrgBody;
let people: MemberBody[];

beforeAll(async () => {
  server = await startTestServer(MANY_USERS_ENV);
  owner = await signUp(server, "owner@a.test", "Olive Owner");
  orgA = await createOrg(owner, "Org A");
  admin = await join(server, owner, "admin@a.test", "admin");
  listed = await join(server, owner, "listed@a.test");
  unlisted = await join(server, owner, "unlisted@a.test");
  people = await members(owner);

  ownerB = await signUp(server, "owner@b.test");
  orgB = await createOrg(ownerB, "Org B");
});
afterAll(async () => {
  await server?.close();
});

const userId = (email: string) => {
  const found = people.find((p) => p.email === email);
  if (!found) throw new Error(`${email} is not in org A`);
  return found.userId;
};

async function list(client: TestClient): Promise<InboxBody[]> {
  const res = await client.get<{ inboxes: InboxBody[] }>("/api/inboxes");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.inboxes;
}

async function create(client: TestClient, body: Record<string, unknown>): Promise<InboxBody> {
  const res = await client.post<{ inbox: InboxBody }>("/api/inboxes", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.inbox;
}

/** A connected channel row, as the Outlook connect flow would leave it (no emulator needed). */
async function insertChannel(orgId: string, email: string): Promise<string> {
  const [row] = await server.database.db
    .insert(channels)
    .values({
      orgId,
      credentialSource: "platform",
      clientId: "test-client",
      msTenantId: randomUUID(),
      msUserId: randomUUID(),
      email,
      displayName: email.split("@")[0]!,
    })
    .returning({ id: channels.id });
  return row!.id;
}

function expectProblem(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect((res.body as Problem).code).toBe(code);
}

describe("the default inbox", () => {
  it("exists on the first list, org-wide, and can't be deleted", async () => {
    const inboxes = await list(owner);
    expect(inboxes).toHaveLength(1);
    const [inbox] = inboxes;
    expect(inbox).toMatchObject({ name: "Shared inbox", isDefault: true, visibility: "org", color: "blue" });
    const res = await owner.delete<Problem>(`/api/inboxes/${inbox!.id}`);
    expectProblem(res, 409, "conflict");
    expect(res.body.title).toBe("The default inbox can't be deleted");
    expect(await list(owner)).toHaveLength(1);
  });
});

describe("creating, editing and deleting an inbox", () => {
  it("creates an inbox with a colour and description, listed after the default", async () => {
    const inbox = await create(owner, { name: "  Billing  ", description: "Invoices", color: "green" });
    expect(inbox).toMatchObject({
      name: "Billing",
      description: "Invoices",
      color: "green",
      visibility: "org",
      isDefault: false,
      channels: [],
      members: [],
    });
    expect((await list(owner)).map((i) => i.name)).toEqual(["Shared inbox", "Billing"]);
  });

  it("refuses an empty name and an unknown colour with field errors", async () => {
    const empty = await owner.post<Problem>("/api/inboxes", { name: "   " });
    expectProblem(empty, 400, "validation_failed");
    expect(empty.body.fields).toEqual([{ field: "name", message: "Give the inbox a name" }]);

    const colour = await owner.post<Problem>("/api/inboxes", { name: "Sales", color: "chartreuse" });
    expectProblem(colour, 400, "validation_failed");
    expect(colour.body.fields?.map((f) => f.field)).toEqual(["color"]);
    expect((await list(owner)).map((i) => i.name)).not.toContain("Sales");
  });

  it("refuses a duplicate name, whatever its case, on create and on rename (409 on the name field)", async () => {
    const dup = await owner.post<Problem>("/api/inboxes", { name: "BILLING" });
    expectProblem(dup, 409, "conflict");
    expect(dup.body.fields).toEqual([{ field: "name", message: "An inbox with this name already exists" }]);

    const other = await create(owner, { name: "Returns" });
    const rename = await owner.patch<Problem>(`/api/inboxes/${other.id}`, { name: "shared INBOX" });
    expectProblem(rename, 409, "conflict");
    expect(rename.body.fields?.[0]?.field).toBe("name");
  });

  it("edits the fields it is given and keeps the others", async () => {
    const inbox = await create(owner, { name: "Press", description: "Journalists", color: "orange" });
    const res = await admin.patch<{ inbox: InboxBody }>(`/api/inboxes/${inbox.id}`, {
      name: "Press & media",
      color: "purple",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.inbox).toMatchObject({
      name: "Press & media",
      description: "Journalists",
      color: "purple",
    });

    const bad = await owner.patch<Problem>(`/api/inboxes/${inbox.id}`, { name: "", color: "mauve" });
    expectProblem(bad, 400, "validation_failed");
    expect(bad.body.fields?.map((f) => f.field).sort()).toEqual(["color", "name"]);
    const unknown = await owner.patch<Problem>(`/api/inboxes/${inbox.id}`, { isDefault: true });
    expectProblem(unknown, 400, "validation_failed");
  });

  it("deletes an inbox, after which its id is not found", async () => {
    const inbox = await create(owner, { name: "Temporary" });
    const res = await admin.delete(`/api/inboxes/${inbox.id}`);
    expect(res.status).toBe(204);
    expect((await list(owner)).map((i) => i.id)).not.toContain(inbox.id);
    expectProblem(await owner.delete(`/api/inboxes/${inbox.id}`), 404, "not_found");
    expectProblem(await owner.patch(`/api/inboxes/${inbox.id}`, { name: "Back" }), 404, "not_found");
  });
});

describe("restricted visibility", () => {
  let restricted: InboxBody;

  beforeAll(async () => {
    restricted = await create(owner, {
      name: "VIP",
      color: "red",
      visibility: "restricted",
      memberIds: [userId("listed@a.test")],
    });
  });

  it("lists the chosen members on the inbox", () => {
    expect(restricted.members).toEqual([
      { userId: userId("listed@a.test"), name: "listed", email: "listed@a.test" },
    ]);
  });

  it("shows the inbox to listed members, owners and admins, and hides it from everyone else", async () => {
    for (const client of [owner, admin, listed]) {
      expect((await list(client)).map((i) => i.name)).toContain("VIP");
    }
    const names = (await list(unlisted)).map((i) => i.name);
    expect(names).not.toContain("VIP");
    expect(names).toContain("Shared inbox");
  });

  it("follows a change of members and of visibility", async () => {
    const swap = await owner.patch(`/api/inboxes/${restricted.id}`, {
      memberIds: [userId("unlisted@a.test")],
    });
    expect(swap.status, JSON.stringify(swap.body)).toBe(200);
    expect((await list(listed)).map((i) => i.name)).not.toContain("VIP");
    expect((await list(unlisted)).map((i) => i.name)).toContain("VIP");

    const open = await owner.patch(`/api/inboxes/${restricted.id}`, { visibility: "org", memberIds: [] });
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect((await list(listed)).map((i) => i.name)).toContain("VIP");
  });

  it("keeps a restricted inbox out of the channel views of those who can't see it", async () => {
    const hidden = await create(owner, {
      name: "Escalations",
      visibility: "restricted",
      memberIds: [userId("listed@a.test")],
    });
    const everyone = await create(owner, { name: "Front desk" });
    const channelId = await insertChannel(orgA.id, "escalations@a.test");
    for (const inbox of [hidden, everyone])
      expect((await owner.put(`/api/inboxes/${inbox.id}/channels/${channelId}`)).status).toBe(204);

    type ChannelInboxes = { id: string; inboxes: { id: string; name: string }[] };
    const views = async (client: TestClient) => {
      const all = await client.get<{ channels: ChannelInboxes[] }>("/api/channels");
      const one = await client.get<{ channel: ChannelInboxes }>(`/api/channels/${channelId}`);
      expect([all.status, one.status]).toEqual([200, 200]);
      const fromList = all.body.channels.find((c) => c.id === channelId)!;
      return { fromList, fromOne: one.body.channel, text: JSON.stringify([all.body, one.body]) };
    };
    for (const client of [owner, admin, listed]) {
      const { fromList, fromOne } = await views(client);
      for (const channel of [fromList, fromOne])
        expect(channel.inboxes.map((i) => i.name).sort()).toEqual(["Escalations", "Front desk"]);
    }
    const { fromList, fromOne, text } = await views(unlisted);
    for (const channel of [fromList, fromOne])
      expect(channel.inboxes.map((i) => i.id)).toEqual([everyone.id]);
    expect(text).not.toContain(hidden.id);
    expect(text).not.toContain("Escalations");
  });

  it("refuses members of another org without creating anything", async () => {
    const [outsider] = await members(ownerB);
    const res = await owner.post<Problem>("/api/inboxes", {
      name: "Leaky",
      visibility: "restricted",
      memberIds: [outsider!.userId],
    });
    expectProblem(res, 400, "validation_failed");
    expect(res.body.fields?.[0]?.field).toBe("memberIds");
    expect((await list(owner)).map((i) => i.name)).not.toContain("Leaky");
  });
});

describe("members (not owners or admins)", () => {
  it("get 403 on every write and change nothing", async () => {
    const [inbox] = await list(listed);
    const channelId = await insertChannel(orgA.id, "member-test@a.test");
    const writes = [
      listed.post("/api/inboxes", { name: "Mine" }),
      listed.patch(`/api/inboxes/${inbox!.id}`, { name: "Renamed" }),
      listed.delete(`/api/inboxes/${inbox!.id}`),
      listed.put(`/api/inboxes/${inbox!.id}/channels/${channelId}`),
      listed.delete(`/api/inboxes/${inbox!.id}/channels/${channelId}`),
    ];
    for (const res of await Promise.all(writes)) expectProblem(res, 403, "forbidden");
    const after = await list(owner);
    expect(after.map((i) => i.name)).not.toContain("Mine");
    expect(after.find((i) => i.id === inbox!.id)?.name).toBe(inbox!.name);
  });
});

describe("linking channels", () => {
  it("links and unlinks a channel, idempotently", async () => {
    const inbox = await create(owner, { name: "Support" });
    const channelId = await insertChannel(orgA.id, "help@a.test");
    const path = `/api/inboxes/${inbox.id}/channels/${channelId}`;

    expect((await owner.put(path)).status).toBe(204);
    expect((await admin.put(path)).status).toBe(204);
    const linked = (await list(owner)).find((i) => i.id === inbox.id);
    expect(linked?.channels).toEqual([{ id: channelId, email: "help@a.test" }]);
    const summary = await owner.get<{ channels: { id: string; inboxes: { id: string }[] }[] }>(
      "/api/channels",
    );
    expect(summary.body.channels.find((c) => c.id === channelId)?.inboxes.map((i) => i.id)).toContain(
      inbox.id,
    );

    expect((await owner.delete(path)).status).toBe(204);
    expect((await list(owner)).find((i) => i.id === inbox.id)?.channels).toEqual([]);
  });

  it("answers 404 for another org's inbox and channel, like ids that don't exist", async () => {
    const [inboxOfA] = await list(owner);
    const [inboxOfB] = await list(ownerB);
    const channelOfA = await insertChannel(orgA.id, "sales@a.test");
    const channelOfB = await insertChannel(orgB.id, "help@b.test");

    expectProblem(await owner.patch(`/api/inboxes/${inboxOfB!.id}`, { name: "Mine now" }), 404, "not_found");
    expectProblem(await owner.delete(`/api/inboxes/${inboxOfB!.id}`), 404, "not_found");
    expectProblem(await owner.put(`/api/inboxes/${inboxOfB!.id}/channels/${channelOfA}`), 404, "not_found");
    expectProblem(await owner.put(`/api/inboxes/${inboxOfA!.id}/channels/${channelOfB}`), 404, "not_found");
    expectProblem(
      await owner.delete(`/api/inboxes/${inboxOfA!.id}/channels/${channelOfB}`),
      404,
      "not_found",
    );
    expectProblem(await owner.put(`/api/inboxes/not-an-id/channels/${channelOfA}`), 404, "not_found");
    expectProblem(await owner.put(`/api/inboxes/${inboxOfA!.id}/channels/${randomUUID()}`), 404, "not_found");

    expect((await list(ownerB)).map((i) => i.name)).toEqual(["Shared inbox"]);
    expect((await list(ownerB))[0]?.channels).toEqual([]);
  });
});
