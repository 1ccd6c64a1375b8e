import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { contractRoute } from "../contract-route.ts";
import { notFound } from "../errors.ts";
import type { Auth } from "./auth.ts";
import { callAuth } from "./auth-errors.ts";
import { toFetchHeaders } from "./fetch-headers.ts";
import {
  findMembership,
  firstFreeSlug,
  listMemberships,
  markOnboardingComplete,
  type OrgView,
} from "./orgs.ts";
import { MANAGER_ROLES } from "./roles.ts";
import type { AccountsOptions } from "./routes-options.ts";
import { requireMember, requireUser } from "./session.ts";
import { slugify } from "./slug.ts";

const SLUG_ATTEMPTS = 3;

/** The signed-in user, their orgs, creating an org, switching orgs and finishing onboarding. */
export const orgRoutes: FastifyPluginAsyncZod<AccountsOptions> = async (app, { auth, database }) => {
  const { db } = database;

  app.route({
    ...contractRoute(routes.getMe),
    handler: async (request, reply) => {
      const user = await requireUser(request, auth, reply);
      const memberships = await listMemberships(db, user.userId);
      const active = memberships.find((m) => m.org.id === user.activeOrgId);
      return {
        user: { id: user.userId, name: user.name, email: user.email },
        org: active?.org ?? null,
        orgs: memberships.map(({ org }) => ({ id: org.id, name: org.name, slug: org.slug, role: org.role })),
      };
    },
  });

  app.route({
    ...contractRoute(routes.createOrg),
    handler: async (request, reply) => {
      await requireUser(request, auth);
      const { name } = request.body;
      const org = await createOrganization(auth, request.headers, name, (base) => firstFreeSlug(db, base));
      return reply.status(201).send({ org });
    },
  });

  app.route({
    ...contractRoute(routes.setActiveOrg),
    handler: async (request) => {
      const user = await requireUser(request, auth);
      const { orgId } = request.body;
      const membership = await findMembership(db, user.userId, orgId);
      if (!membership) throw notFound("Organization");
      await callAuth(() =>
        auth.api.setActiveOrganization({
          headers: toFetchHeaders(request.headers),
          body: { organizationId: orgId },
        }),
      );
      return { org: membership.org };
    },
  });

  app.route({
    ...contractRoute(routes.completeOnboarding),
    handler: async (request) => {
      const me = await requireMember(request, auth, database, { roles: MANAGER_ROLES });
      await markOnboardingComplete(db, me.orgId);
      const membership = await findMembership(db, me.userId, me.orgId);
      if (!membership) throw notFound("Organization");
      return { org: membership.org };
    },
  });
};

/**
 * Creates the org through Better Auth (the creator becomes its owner and it becomes the session's
 * active org) under a free slug. Two people creating "Acme" at once both succeed: the loser of the
 * race retries with the next free slug.
 */
async function createOrganization(
  auth: Auth,
  rawHeaders: Parameters<typeof toFetchHeaders>[0],
  name: string,
  freeSlug: (base: string) => Promise<string>,
): Promise<OrgView> {
  const base = slugify(name);
  for (let attempt = 1; ; attempt++) {
    const slug = await freeSlug(base);
    try {
      const org = await callAuth(() =>
        auth.api.createOrganization({ headers: toFetchHeaders(rawHeaders), body: { name, slug } }),
      );
      return { id: org.id, name: org.name, slug: org.slug, role: "owner", onboardingCompleted: false };
    } catch (error) {
      // Retry only when the slug was taken meanwhile; any other refusal stands.
      if (attempt >= SLUG_ATTEMPTS || (await freeSlug(base)) === slug) throw error;
    }
  }
}
