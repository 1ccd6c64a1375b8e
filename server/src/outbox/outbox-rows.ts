import type { OrgMember } from "../accounts/session.ts";
import type { Db } from "../db/client.ts";
import { AppError, notFound } from "../errors.ts";
import { isUuid, visibleChannelIds } from "../inbox/visibility.ts";
import { findOutbox, type OutboxRow } from "./outbox-store.ts";

/** An outbox message in a mailbox the member may see, or 404. */
export async function visibleRow(db: Db, m: OrgMember, id: string): Promise<OutboxRow> {
  const row = isUuid(id) ? await findOutbox(db, id, m.orgId) : undefined;
  if (!row || !(await visibleChannelIds(db, m)).includes(row.channelId)) throw notFound("Message");
  return row;
}

/** The member's own outbox message: only its sender may undo it. */
export async function ownRow(db: Db, m: OrgMember, id: string): Promise<OutboxRow> {
  const row = await visibleRow(db, m, id);
  if (row.createdBy !== m.userId) throw new AppError("forbidden", "Only the sender can undo a message");
  return row;
}
