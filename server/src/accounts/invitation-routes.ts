import { routes } from "@mailroom/contract";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { contractRoute } from "../contract-route.ts";
import { conflict, notFound } from "../errors.ts";
import type { Auth } from "./auth.ts";
import { callAuth } from "./auth-errors.ts";
import { toFetchHeaders } from "./fetch-headers.ts";
import {
  findOpenInvitationsFor,
  findOrgInvitation,
  type InvitationRecord,
  listOpenInvitations,
  toInvitationView,
} from "./invitations.ts";
import { isMemberByEmail } from "./members.ts";
import { publishMembersUpdated } from "./members-updated.ts";
import { MANAGER_ROLES } from "./roles.ts";
import type { AccountsOptions } from "./routes-options.ts";
import { requireMember } from "./session.ts";

/** Invitations: managed by owners and admins of the active org (the invitee's side is invitee-routes.ts). */
export const invitationRoutes: FastifyPluginAsyncZod<AccountsOptions> = async (
  app,
  { auth, database, config, events },
) => {
  const { db } = database;
  const view = (record: InvitationRecord) => toInvitationView(record, config.publicUrl);

  app.route({
    ...contractRoute(routes.listInvitations),
    handler: async (request) => {
      const me = await requireMember(request, auth, database, { roles: MANAGER_ROLES });
      return { invitations: (await listOpenInvitations(db, me.orgId)).map(view) };
    },
  });

  app.route({
    ...contractRoute(routes.createInvitation),
    handler: async (request, reply) => {
      const me = await requireMember(request, auth, database, { roles: MANAGER_ROLES });
      const { email, role } = request.body;
      if (await isMemberByEmail(db, me.orgId, email))
        throw conflict(`${email} is already a member of ${me.orgName}`);
      const open = await findOpenInvitationsFor(db, me.orgId, email);
      // A second click on "Invite" gets the same invitation (and link) back.
      const same = open.find((i) => i.status === "pending" && i.role === role);
      if (same) return reply.status(200).send({ invitation: view(same) });
      // An expired one, or one for another role, gives way to the new invitation.
      for (const old of open) await cancel(auth, request, old.id);
      const created = await callAuth(() =>
        auth.api.createInvitation({
          headers: toFetchHeaders(request.headers),
          body: { email, role, organizationId: me.orgId },
        }),
      );
      const record = await findOrgInvitation(db, me.orgId, created.id);
      if (!record) throw notFound("Invitation");
      await publishMembersUpdated(events, me.orgId, request.log);
      return reply.status(201).send({ invitation: view(record) });
    },
  });

  app.route({
    ...contractRoute(routes.cancelInvitation),
    handler: async (request) => {
      const me = await requireMember(request, auth, database, { roles: MANAGER_ROLES });
      const { id } = request.params;
      const found = await findOrgInvitation(db, me.orgId, id);
      if (!found) throw notFound("Invitation");
      if (found.status === "accepted")
        throw conflict("This invitation was already accepted — remove the member instead");
      if (found.status === "pending" || found.status === "expired") {
        await cancel(auth, request, id);
        await publishMembersUpdated(events, me.orgId, request.log);
      }
      const cancelled = await findOrgInvitation(db, me.orgId, id);
      return { invitation: view(cancelled ?? found) };
    },
  });
};

async function cancel(auth: Auth, request: FastifyRequest, invitationId: string): Promise<void> {
  await callAuth(() =>
    auth.api.cancelInvitation({ headers: toFetchHeaders(request.headers), body: { invitationId } }),
  );
}
