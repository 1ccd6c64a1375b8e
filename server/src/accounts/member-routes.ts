import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { contractRoute } from "../contract-route.ts";
import { changeMemberRole, listMembers, removeMember } from "./members.ts";
import { publishMembersUpdated } from "./members-updated.ts";
import { MANAGER_ROLES } from "./roles.ts";
import type { AccountsOptions } from "./routes-options.ts";
import { requireMember } from "./session.ts";

/** The active org's member list, role changes and removals (leaving is removing yourself). */
export const memberRoutes: FastifyPluginAsyncZod<AccountsOptions> = async (
  app,
  { auth, database, events },
) => {
  const { db } = database;

  app.route({
    ...contractRoute(routes.listMembers),
    handler: async (request) => {
      const me = await requireMember(request, auth, database);
      return { members: await listMembers(db, me.orgId) };
    },
  });

  app.route({
    ...contractRoute(routes.changeMemberRole),
    handler: async (request) => {
      const me = await requireMember(request, auth, database, { roles: MANAGER_ROLES });
      const { memberId } = request.params;
      const { role } = request.body;
      const member = await changeMemberRole(db, { orgId: me.orgId, actorUserId: me.userId, memberId }, role);
      await publishMembersUpdated(events, me.orgId, request.log);
      return { member };
    },
  });

  app.route({
    ...contractRoute(routes.removeMember),
    handler: async (request) => {
      // Any member may call this to leave; the policy decides who may remove whom.
      const me = await requireMember(request, auth, database);
      const { memberId } = request.params;
      await removeMember(db, { orgId: me.orgId, actorUserId: me.userId, memberId });
      await publishMembersUpdated(events, me.orgId, request.log);
      return { removed: { id: memberId } };
    },
  });
};
