import type { Me } from "./accounts-api.ts";

/** `/api/me` for the web app's tests: Dana, owner of Contoso, at each stage of setting up. */
const user = { id: "u1", name: "Dana", email: "dana@contoso.com" };
const org = { id: "o1", name: "Contoso", slug: "contoso", role: "owner" as const };

export const ME: Record<"ready" | "settingUp" | "noOrg", Me> = {
  ready: { user, org: { ...org, onboardingCompleted: true }, orgs: [org] },
  settingUp: { user, org: { ...org, onboardingCompleted: false }, orgs: [org] },
  noOrg: { user, org: null, orgs: [] },
};
