import { z } from "zod";
import { defineRoute } from "./route.ts";
import { noContent } from "./scalars.ts";

export const INBOX_COLORS = ["blue", "green", "orange", "purple", "red", "teal", "gray", "pink"] as const;
export type InboxColor = (typeof INBOX_COLORS)[number];

/** org: everyone in the organization; restricted: its members (and owners and admins). */
export const VISIBILITIES = ["org", "restricted"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const inbox = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  color: z.string(),
  visibility: z.enum(VISIBILITIES),
  isDefault: z.boolean(),
  channels: z.array(z.object({ id: z.string(), email: z.string() })),
  members: z.array(z.object({ userId: z.string(), name: z.string(), email: z.string() })),
});
export type Inbox = z.infer<typeof inbox>;

/** The inbox form; `memberIds` only matter for restricted inboxes. */
export const inboxInput = z.object({
  name: z.string().trim().min(1, "Give the inbox a name").max(80, "Keep the name under 80 characters"),
  description: z.string().trim().max(500, "Keep the description under 500 characters").optional(),
  color: z.enum(INBOX_COLORS, { message: `Choose one of: ${INBOX_COLORS.join(", ")}` }).optional(),
  visibility: z
    .enum(VISIBILITIES, { message: "Choose everyone in the organization or selected members" })
    .optional(),
  memberIds: z.array(z.string().min(1)).max(1000).optional(),
});
export type InboxInput = z.input<typeof inboxInput>;

/** An edit: the fields it names change, the others stay. */
export const inboxPatch = inboxInput.partial().strict();

const idParams = z.object({ id: z.string() });
const linkParams = z.object({ id: z.string(), channelId: z.string() });
const inboxBody = z.object({ inbox });

/** Settings > Inboxes: shared inboxes, who sees them, which channels feed them (server/src/inbox/). */
export const inboxRoutes = {
  /** Restricted inboxes only for their members, owners and admins. */
  listInboxes: defineRoute({
    method: "GET",
    path: "/api/inboxes",
    response: { 200: z.object({ inboxes: z.array(inbox) }) },
  }),
  createInbox: defineRoute({
    method: "POST",
    path: "/api/inboxes",
    body: inboxInput,
    response: { 201: inboxBody },
  }),
  updateInbox: defineRoute({
    method: "PATCH",
    path: "/api/inboxes/:id",
    params: idParams,
    body: inboxPatch,
    response: { 200: inboxBody },
  }),
  /** Not the default inbox (409). */
  deleteInbox: defineRoute({
    method: "DELETE",
    path: "/api/inboxes/:id",
    params: idParams,
    response: { 204: noContent },
  }),
  linkChannel: defineRoute({
    method: "PUT",
    path: "/api/inboxes/:id/channels/:channelId",
    params: linkParams,
    response: { 204: noContent },
  }),
  unlinkChannel: defineRoute({
    method: "DELETE",
    path: "/api/inboxes/:id/channels/:channelId",
    params: linkParams,
    response: { 204: noContent },
  }),
};
