import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { changeMemberRole, listMembers, removeMember } from "./members.ts";
import { publishMembersUpdated } from "./members-updated.ts";
import { MANAGER_ROLES, ROLES } from "./roles.ts";
import type { AccountsOptions } from "./routes-options.ts";
import { requireMember } from "./session.ts";

const memberParams = z.object({ memberId: z.string().min(1).max(200) });
const roleBody = z.object({ role: z.enum(ROLES, { error: "Choose owner, admin or member" }) });

/** The active org's member list, role changes and removals (leaving is removing yourself). */
export const memberRoutes: FastifyPluginAsync<AccountsOptions> = async (app, { auth, database, events }) => {
  const { db } = database;

  app.get("/api/org/members", async (request) => {
    const me = await requireMember(request, auth, database);
    return { members: await listMembers(db, me.orgId) };
  });

  app.patch("/api/org/members/:memberId", async (request) => {
    const me = await requireMember(request, auth, database, { roles: MANAGER_ROLES });
    const { memberId } = memberParams.parse(request.params);
    const { role } = roleBody.parse(request.body);
    const member = await changeMemberRole(db, { orgId: me.orgId, actorUserId: me.userId, memberId }, role);
    await publishMembersUpdated(events, me.orgId, request.log);
    return { member };
  });

  app.delete("/api/org/members/:memberId", async (request) => {
    // Any member may call this to leave; the policy decides who may remove whom.
    const me = await requireMember(request, auth, database);
    const { memberId } = memberParams.parse(request.params);
    await removeMember(db, { orgId: me.orgId, actorUserId: me.userId, memberId });
    await publishMembersUpdated(events, me.orgId, request.log);
    return { removed: { id: memberId } };
  });
};
