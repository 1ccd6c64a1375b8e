import { expect } from "vitest";
import type { TestClient, TestServer } from "./harness.ts";

/** A strong-enough password for tests that aren't about passwords. */
export const PASSWORD = "correct horse battery";

export interface Problem {
  code: string;
  title: string;
  status: number;
  fields?: { field: string; message: string }[];
}

export interface OrgBody {
  id: string;
  name: string;
  slug: string;
  role: string;
  onboardingCompleted: boolean;
}

export interface MeBody {
  user: { id: string; name: string; email: string };
  org: OrgBody | null;
  orgs: { id: string; name: string; slug: string; role: string }[];
}

export interface MemberBody {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: string;
  createdAt: string;
}

export interface InvitationBody {
  id: string;
  email: string;
  role: string;
  status: string;
  expiresAt: string;
  inviterName: string;
  url: string;
}

/** A new browser that signs up (and is therefore logged in). */
export async function signUp(
  server: TestServer,
  email: string,
  name = email.split("@")[0]!,
): Promise<TestClient> {
  const client = server.client();
  const res = await client.post("/api/auth/sign-up/email", { name, email, password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return client;
}

export async function createOrg(client: TestClient, name: string): Promise<OrgBody> {
  const res = await client.post<{ org: OrgBody }>("/api/orgs", { name });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.org;
}

export async function invite(client: TestClient, email: string, role: "admin" | "member" = "member") {
  const res = await client.post<{ invitation: InvitationBody }>("/api/org/invitations", { email, role });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.invitation;
}

/** Invites `email` into `owner`'s active org; a new user signs up with it and accepts. */
export async function join(
  server: TestServer,
  owner: TestClient,
  email: string,
  role: "admin" | "member" = "member",
) {
  const invitation = await invite(owner, email, role);
  const client = await signUp(server, email);
  const res = await client.post<{ org: OrgBody }>(`/api/invitations/${invitation.id}/accept`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return client;
}

export async function members(client: TestClient): Promise<MemberBody[]> {
  const res = await client.get<{ members: MemberBody[] }>("/api/org/members");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.members;
}

export async function memberId(client: TestClient, email: string): Promise<string> {
  const found = (await members(client)).find((m) => m.email === email);
  if (!found) throw new Error(`${email} is not a member`);
  return found.id;
}

/** Servers for tests that sign up many users from one address: the login/sign-up limit is raised. */
export const MANY_USERS_ENV = { LOGIN_RATE_LIMIT: "1000" };
