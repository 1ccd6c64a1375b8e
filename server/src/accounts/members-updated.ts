import type { FastifyBaseLogger } from "fastify";
import type { EventBus } from "../events/bus.ts";

/**
 * Tells the org's open browsers to refetch members and invitations. The change is already
 * committed, so a failed publish is logged rather than failing the request: a reload shows it.
 */
export async function publishMembersUpdated(
  events: EventBus,
  orgId: string,
  log: FastifyBaseLogger,
): Promise<void> {
  try {
    await events.publish(orgId, { type: "members.updated", data: {} });
  } catch (err) {
    log.error({ err, orgId }, "could not publish members.updated");
  }
}
