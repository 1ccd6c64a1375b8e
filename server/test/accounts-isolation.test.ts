import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOrg,
  type InvitationBody,
  invite,
  join,
  MANY_USERS_ENV,
  type MeBody,
  memberId,
  members,
  type OrgBody,
  type Problem,
  signUp,
} from "./accounts-helpers.ts";
import { startTestServer, type TestClient, type TestServer } from "./harness.ts";

/**
 * Two orgs side by side. Org A: an owner and a plain member. Org B: an owner, a member and a
 * pending invitation. Nobody in A may see or touch anything of B, and B's ids answer 404 in A,
 * exactly like ids that don't exist.
 */
let server: TestServer;
let ownerA: TestClient;
let memberA: TestClient;
let orgB: OrgBody;
let memberOfB: string;
let invitationOfB: InvitationBody;
let invitationOfA: InvitationBody;
let ownerAMemberId: string;

beforeAll(async () => {
  server = await startTestServer(MANY_USERS_ENV);
  ownerA = await signUp(server, "owner@a.test");
  await createOrg(ownerA, "Org A");
  memberA = await join(server, ownerA, "member@a.test");
  invitationOfA = await invite(ownerA, "pending@a.test");
  ownerAMemberId = await memberId(ownerA, "owner@a.test");

  const ownerB = await signUp(server, "owner@b.test");
  orgB = await createOrg(ownerB, "Org B");
  await join(server, ownerB, "member@b.test");
  memberOfB = await memberId(ownerB, "member@b.test");
  invitationOfB = await invite(ownerB, "pending@b.test");
});
afterAll(async () => {
  await server?.close();
});

function expectNotFound(res: { status: number; body: unknown }) {
  expect(res.status, JSON.stringify(res.body)).toBe(404);
  expect((res.body as Problem).code).toBe("not_found");
}

describe("a member of org A and org B's resources", () => {
  it("answers 404 for B's members, to an owner of A as to a plain member", async () => {
    for (const client of [ownerA, memberA]) {
      expectNotFound(await client.delete(`/api/org/members/${memberOfB}`));
    }
    expectNotFound(await ownerA.patch(`/api/org/members/${memberOfB}`, { role: "admin" }));
    expectNotFound(await ownerA.patch("/api/org/members/no-such-member", { role: "admin" }));
  });

  it("answers 404 for B's invitations", async () => {
    expectNotFound(await ownerA.delete(`/api/org/invitations/${invitationOfB.id}`));
    expectNotFound(await ownerA.delete("/api/org/invitations/no-such-invitation"));
  });

  it("answers 404 when switching to B", async () => {
    expectNotFound(await memberA.post("/api/orgs/active", { orgId: orgB.id }));
    expectNotFound(await memberA.post("/api/orgs/active", { orgId: "no-such-org" }));
  });

  it("never lists B's members or invitations", async () => {
    const emails = (await members(ownerA)).map((m) => m.email).sort();
    expect(emails).toEqual(["member@a.test", "owner@a.test"]);
    const listed = await ownerA.get<{ invitations: InvitationBody[] }>("/api/org/invitations");
    expect(listed.body.invitations.map((i) => i.id)).toEqual([invitationOfA.id]);
  });

  it("can't join B with an invitation sent to someone else", async () => {
    const res = await memberA.post<Problem>(`/api/invitations/${invitationOfB.id}/accept`);
    expect(res.status).toBe(403);
    const me = await memberA.get<MeBody>("/api/me");
    expect(me.body.orgs.map((o) => o.name)).toEqual(["Org A"]);
  });

  it("left B untouched", async () => {
    const ownerB = server.client();
    await ownerB.post("/api/auth/sign-in/email", {
      email: "owner@b.test",
      password: "correct horse battery",
    });
    expect((await members(ownerB)).map((m) => m.email).sort()).toEqual(["member@b.test", "owner@b.test"]);
    const listed = await ownerB.get<{ invitations: InvitationBody[] }>("/api/org/invitations");
    expect(listed.body.invitations).toMatchObject([{ id: invitationOfB.id, status: "pending" }]);
  });
});

describe("a plain member and admin-only actions in their own org", () => {
  const ADMINS_ONLY = "Only owners and admins can do this — ask your admin";

  it("answers 403 with a message saying who can", async () => {
    const attempts = [
      () => memberA.get<Problem>("/api/org/invitations"),
      () => memberA.post<Problem>("/api/org/invitations", { email: "new@a.test", role: "member" }),
      () => memberA.delete<Problem>(`/api/org/invitations/${invitationOfA.id}`),
      () => memberA.patch<Problem>(`/api/org/members/${ownerAMemberId}`, { role: "member" }),
      () => memberA.post<Problem>("/api/org/onboarding/complete"),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body).toMatchObject({ code: "forbidden", title: ADMINS_ONLY });
    }
    const removal = await memberA.delete<Problem>(`/api/org/members/${ownerAMemberId}`);
    expect(removal.status).toBe(403);
    expect(removal.body.title).toBe("Only owners and admins can remove members — ask your admin");
  });

  it("changed nothing", async () => {
    const list = await members(ownerA);
    expect(list.map(({ email, role }) => ({ email, role }))).toEqual([
      { email: "owner@a.test", role: "owner" },
      { email: "member@a.test", role: "member" },
    ]);
    const listed = await ownerA.get<{ invitations: InvitationBody[] }>("/api/org/invitations");
    expect(listed.body.invitations).toMatchObject([{ id: invitationOfA.id, status: "pending" }]);
    expect((await ownerA.get<MeBody>("/api/me")).body.org?.onboardingCompleted).toBe(false);
  });
});
