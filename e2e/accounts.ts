import type { TestClient, TestServer } from "../server/test/harness.ts";

export const E2E_PASSWORD = "correct horse battery";

export interface ReadyAccount {
  email: string;
  name: string;
  password: string;
  /** Signed in as this user, for API calls alongside the browser. */
  client: TestClient;
}

/**
 * A user who owns an org whose onboarding is finished, made through the API the way the SPA
 * would: the starting point for journeys that aren't about onboarding.
 */
export async function createReadyAccount(
  server: TestServer,
  { name, orgName, email = uniqueEmail(name) }: { name: string; orgName: string; email?: string },
): Promise<ReadyAccount> {
  const client = server.client();
  await expectOk(client.post("/api/auth/sign-up/email", { name, email, password: E2E_PASSWORD }), "sign up");
  await expectOk(client.post("/api/orgs", { name: orgName }), "create org");
  await expectOk(client.post("/api/org/onboarding/complete", {}), "complete onboarding");
  return { email, name, password: E2E_PASSWORD, client };
}

let counter = 0;

/** ana-1718000000000-1@example.com: unique per run, readable in failures. */
export function uniqueEmail(name: string): string {
  const local = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  counter += 1;
  return `${local}-${Date.now()}-${counter}@example.com`;
}

async function expectOk(response: Promise<{ status: number; body: unknown }>, what: string): Promise<void> {
  const { status, body } = await response;
  if (status >= 300) throw new Error(`${what} failed with ${status}: ${JSON.stringify(body)}`);
}
