import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invitation as invitationTable } from "../src/accounts/schema.ts";
import type { LiveEvent } from "../src/events/bus.ts";
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
import { startTestServer, type TestServer } from "./harness.ts";
import { waitFor } from "./wait-for.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(MANY_USERS_ENV);
});
afterAll(async () => {
  await server?.close();
});

describe("sign up → organization → invitation → member joins", () => {
  it("shows both people with their roles once the invitee accepts", async () => {
    const owner = await signUp(server, "olivia@acme.test", "Olivia");
    const org = await createOrg(owner, "Acme Support");
    expect(org).toMatchObject({
      name: "Acme Support",
      slug: "acme-support",
      role: "owner",
      onboardingCompleted: false,
    });

    const invitation = await invite(owner, "Sam@Acme.test", "admin");
    expect(invitation).toMatchObject({
      email: "sam@acme.test",
      role: "admin",
      status: "pending",
      inviterName: "Olivia",
    });
    expect(invitation.url).toBe(`${server.url}/invite/${invitation.id}`);

    // Whoever holds the link sees the invitation before signing up.
    const preview = await server
      .client()
      .get<{ orgName: string; email: string }>(`/api/invitations/${invitation.id}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ orgName: "Acme Support", email: "sam@acme.test" });

    const sam = await signUp(server, "sam@acme.test", "Sam");
    const seen = await sam.get(`/api/invitations/${invitation.id}`);
    expect(seen.body).toEqual({
      id: invitation.id,
      orgName: "Acme Support",
      inviterName: "Olivia",
      email: "sam@acme.test",
      role: "admin",
      status: "pending",
    });
    const accepted = await sam.post<{ org: OrgBody }>(`/api/invitations/${invitation.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.org).toMatchObject({ id: org.id, role: "admin" });

    const list = await members(owner);
    expect(list.map(({ name, email, role }) => ({ name, email, role }))).toEqual([
      { name: "Olivia", email: "olivia@acme.test", role: "owner" },
      { name: "Sam", email: "sam@acme.test", role: "admin" },
    ]);
    const me = await sam.get<MeBody>("/api/me");
    expect(me.body.org).toMatchObject({ id: org.id, name: "Acme Support", role: "admin" });
    expect(me.body.orgs).toEqual([{ id: org.id, name: "Acme Support", slug: "acme-support", role: "admin" }]);
  });

  it("tells the org's browsers that members changed", async () => {
    const owner = await signUp(server, "ev-owner@events.test");
    const org = await createOrg(owner, "Eventful");
    const seen: LiveEvent[] = [];
    const unsubscribe = server.mailroom.events.subscribe(org.id, (e) => seen.push(e));
    try {
      await join(server, owner, "ev-member@events.test");
      await waitFor(() => seen.some((e) => e.type === "members.updated"), { what: "members.updated" });
    } finally {
      unsubscribe();
    }
  });
});

describe("/api/me and organizations", () => {
  it("answers 401 when logged out", async () => {
    const res = await server.client().get<Problem>("/api/me");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("unauthenticated");
  });

  it("has no org before one is created, then the new one is active", async () => {
    const client = await signUp(server, "first@solo.test", "First");
    const before = await client.get<MeBody>("/api/me");
    expect(before.body).toMatchObject({
      user: { name: "First", email: "first@solo.test" },
      org: null,
      orgs: [],
    });
    const org = await createOrg(client, "Solo");
    const after = await client.get<MeBody>("/api/me");
    expect(after.body.org).toEqual(org);
  });

  it("makes slugs unique", async () => {
    const a = await signUp(server, "slug-a@slug.test");
    const b = await signUp(server, "slug-b@slug.test");
    expect((await createOrg(a, "Café Olé!")).slug).toBe("cafe-ole");
    expect((await createOrg(b, "Cafe Ole")).slug).toBe("cafe-ole-2");
  });

  it("refuses an empty name with a field message", async () => {
    const client = await signUp(server, "noname@solo.test");
    const res = await client.post<Problem>("/api/orgs", { name: "  " });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ field: "name", message: "Enter a name for your organization" }]);
  });

  it("switches the active org, and only to one of the user's own", async () => {
    const client = await signUp(server, "switcher@multi.test");
    const first = await createOrg(client, "First Co");
    await createOrg(client, "Second Co");
    const switched = await client.post<{ org: OrgBody }>("/api/orgs/active", { orgId: first.id });
    expect(switched.status).toBe(200);
    expect((await client.get<MeBody>("/api/me")).body.org?.id).toBe(first.id);

    const stranger = await signUp(server, "stranger@multi.test");
    const refused = await stranger.post<Problem>("/api/orgs/active", { orgId: first.id });
    expect(refused.status).toBe(404);
  });

  it("starts a new login in the user's first org", async () => {
    const client = await signUp(server, "relogin@multi.test");
    const org = await createOrg(client, "Relogin");
    await client.post("/api/auth/sign-out");
    const again = server.client();
    await again.post("/api/auth/sign-in/email", {
      email: "relogin@multi.test",
      password: "correct horse battery",
    });
    expect((await again.get<MeBody>("/api/me")).body.org?.id).toBe(org.id);
  });

  it("completes onboarding once, idempotently", async () => {
    const client = await signUp(server, "onboard@solo.test");
    await createOrg(client, "Onboarding");
    const first = await client.post<{ org: OrgBody }>("/api/org/onboarding/complete");
    const second = await client.post<{ org: OrgBody }>("/api/org/onboarding/complete");
    expect(first.status).toBe(200);
    expect(second.body.org.onboardingCompleted).toBe(true);
    expect((await client.get<MeBody>("/api/me")).body.org?.onboardingCompleted).toBe(true);
  });
});

describe("invitations", () => {
  it("gives the same invitation back when the same person is invited twice", async () => {
    const owner = await signUp(server, "dup-owner@dup.test");
    await createOrg(owner, "Duplicates");
    const first = await invite(owner, "twice@dup.test");
    const again = await owner.post<{ invitation: InvitationBody }>("/api/org/invitations", {
      email: "twice@dup.test",
      role: "member",
    });
    expect(again.status).toBe(200);
    expect(again.body.invitation.id).toBe(first.id);
    const listed = await owner.get<{ invitations: InvitationBody[] }>("/api/org/invitations");
    expect(listed.body.invitations.map((i) => i.id)).toEqual([first.id]);
  });

  it("refuses to invite someone who is already a member", async () => {
    const owner = await signUp(server, "already-owner@already.test");
    await createOrg(owner, "Already");
    await join(server, owner, "already@already.test");
    const res = await owner.post<Problem>("/api/org/invitations", {
      email: "already@already.test",
      role: "member",
    });
    expect(res.status).toBe(409);
  });

  it("refuses a cancelled invitation, and one sent to another address", async () => {
    const owner = await signUp(server, "cancel-owner@cancel.test", "Carla");
    await createOrg(owner, "Cancels");
    const invitation = await invite(owner, "cancelled@cancel.test");
    const wrongUser = await signUp(server, "someone-else@cancel.test");
    const mismatch = await wrongUser.post<Problem>(`/api/invitations/${invitation.id}/accept`);
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.title).toMatch(/sent to a different email address/);

    expect((await owner.delete(`/api/org/invitations/${invitation.id}`)).status).toBe(200);
    const invitee = await signUp(server, "cancelled@cancel.test");
    const res = await invitee.post<Problem>(`/api/invitations/${invitation.id}/accept`);
    expect(res.status).toBe(409);
    expect(res.body.title).toBe("This invitation was cancelled — ask Carla for a new one");
    expect((await invitee.get<MeBody>("/api/me")).body.orgs).toEqual([]);
  });

  it("refuses an accepted invitation the second time, and an unknown one", async () => {
    const owner = await signUp(server, "twice-owner@accept.test");
    await createOrg(owner, "Accept Twice");
    const invitation = await invite(owner, "accepter@accept.test");
    const invitee = await signUp(server, "accepter@accept.test");
    expect((await invitee.post(`/api/invitations/${invitation.id}/accept`)).status).toBe(200);
    const again = await invitee.post<Problem>(`/api/invitations/${invitation.id}/accept`);
    expect(again.status).toBe(409);
    expect(again.body.title).toBe("This invitation has already been accepted");
    const unknown = await invitee.post<Problem>("/api/invitations/no-such-invitation/accept");
    expect(unknown.status).toBe(404);
  });

  it("refuses an expired invitation", async () => {
    const owner = await signUp(server, "exp-owner@expired.test", "Eve");
    await createOrg(owner, "Expiry");
    const invitation = await invite(owner, "late@expired.test");
    await server.database.db
      .update(invitationTable)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(invitationTable.id, invitation.id));
    const late = await signUp(server, "late@expired.test");
    const res = await late.post<Problem>(`/api/invitations/${invitation.id}/accept`);
    expect(res.status).toBe(409);
    expect(res.body.title).toBe("This invitation has expired — ask Eve for a new one");
    const fresh = await invite(owner, "late@expired.test");
    expect(fresh.id).not.toBe(invitation.id);
    expect((await late.post(`/api/invitations/${fresh.id}/accept`)).status).toBe(200);
  });
});

describe("roles and leaving", () => {
  it("lets an owner promote, keeps the last owner, and lets a member leave", async () => {
    const owner = await signUp(server, "roles-owner@roles.test");
    await createOrg(owner, "Roles");
    const member = await join(server, owner, "roles-member@roles.test");
    const ownerId = await memberId(owner, "roles-owner@roles.test");
    const memberMemberId = await memberId(owner, "roles-member@roles.test");

    const demoteLast = await owner.patch<Problem>(`/api/org/members/${ownerId}`, { role: "member" });
    expect(demoteLast.status).toBe(409);
    const leaveLast = await owner.delete<Problem>(`/api/org/members/${ownerId}`);
    expect(leaveLast.status).toBe(409);

    const promoted = await owner.patch<{ member: { role: string } }>(`/api/org/members/${memberMemberId}`, {
      role: "owner",
    });
    expect(promoted.body.member.role).toBe("owner");
    // Now there are two owners, so the first may step down.
    expect((await owner.patch(`/api/org/members/${ownerId}`, { role: "admin" })).status).toBe(200);

    const left = await owner.delete(`/api/org/members/${ownerId}`);
    expect(left.status).toBe(200);
    expect((await owner.get<MeBody>("/api/me")).body).toMatchObject({ org: null, orgs: [] });
    expect((await members(member)).map((m) => m.email)).toEqual(["roles-member@roles.test"]);
  });

  it("keeps one owner when the last two step down at the same moment", async () => {
    const first = await signUp(server, "race-1@race.test");
    await createOrg(first, "Race");
    const second = await join(server, first, "race-2@race.test");
    const secondId = await memberId(first, "race-2@race.test");
    expect((await first.patch(`/api/org/members/${secondId}`, { role: "owner" })).status).toBe(200);
    const firstId = await memberId(first, "race-1@race.test");

    const results = await Promise.all([
      first.patch(`/api/org/members/${firstId}`, { role: "member" }),
      second.patch(`/api/org/members/${secondId}`, { role: "member" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await members(first)).filter((m) => m.role === "owner")).toHaveLength(1);
  });

  it("lets an admin manage members but never owners", async () => {
    const owner = await signUp(server, "adm-owner@admin.test");
    await createOrg(owner, "Admins");
    const admin = await join(server, owner, "adm-admin@admin.test", "admin");
    await join(server, owner, "adm-member@admin.test");
    const ownerId = await memberId(owner, "adm-owner@admin.test");
    const plainId = await memberId(owner, "adm-member@admin.test");

    expect((await admin.patch(`/api/org/members/${plainId}`, { role: "admin" })).status).toBe(200);
    expect((await admin.patch(`/api/org/members/${ownerId}`, { role: "member" })).status).toBe(403);
    expect((await admin.patch(`/api/org/members/${plainId}`, { role: "owner" })).status).toBe(403);
    expect((await admin.delete(`/api/org/members/${ownerId}`)).status).toBe(403);
    expect((await admin.delete(`/api/org/members/${plainId}`)).status).toBe(200);
    expect((await members(owner)).map((m) => m.email).sort()).toEqual([
      "adm-admin@admin.test",
      "adm-owner@admin.test",
    ]);
  });
});
