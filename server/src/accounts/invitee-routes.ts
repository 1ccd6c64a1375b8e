import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { contractRoute } from "../contract-route.ts";
import { AppError, conflict } from "../errors.ts";
import { callAuth } from "./auth-errors.ts";
import { toFetchHeaders } from "./fetch-headers.ts";
import { acceptRefusal } from "./invitation-policy.ts";
import { findInvitation } from "./invitations.ts";
import { publishMembersUpdated } from "./members-updated.ts";
import { findMembership } from "./orgs.ts";
import type { AccountsOptions } from "./routes-options.ts";
import { requireUser } from "./session.ts";

/** The invitee's side of an invitation: the page behind the link, and accepting it. */
export const inviteeRoutes: FastifyPluginAsyncZod<AccountsOptions> = async (
  app,
  { auth, database, events },
) => {
  const { db } = database;

  // Open to whoever holds the link (like Slack's or Front's invitation pages), so a signed-out
  // invitee sees which org invited them and signs up with the right address. The id is a long
  // random value; accepting still needs a session with the invited email.
  app.route({
    ...contractRoute(routes.getInvitation),
    handler: async (request) => {
      const { id } = request.params;
      const found = await findInvitation(db, id);
      if (!found) throw invitationNotFound();
      const { orgName, inviterName, email, role, status } = found;
      return { id, orgName, inviterName, email, role, status };
    },
  });

  app.route({
    ...contractRoute(routes.acceptInvitation),
    handler: async (request) => {
      const user = await requireUser(request, auth);
      const { id } = request.params;
      const found = await findInvitation(db, id);
      if (!found) throw invitationNotFound();
      const refusal = acceptRefusal(found, user.email);
      if (refusal) throw refusal;
      if (await findMembership(db, user.userId, found.orgId))
        throw conflict(`You're already a member of ${found.orgName}`);
      await callAuth(() =>
        auth.api.acceptInvitation({ headers: toFetchHeaders(request.headers), body: { invitationId: id } }),
      );
      const membership = await findMembership(db, user.userId, found.orgId);
      if (!membership) throw invitationNotFound();
      await publishMembersUpdated(events, found.orgId, request.log);
      return { org: membership.org };
    },
  });
};

function invitationNotFound(): AppError {
  return new AppError("not_found", "This invitation doesn't exist — check the link or ask for a new one");
}
