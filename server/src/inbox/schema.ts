import { INBOX_COLORS, VISIBILITIES } from "@mailroom/contract";
import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { orgIdColumn, user } from "../accounts/schema.ts";
import { channelIdColumn } from "../channels/schema.ts";
import { at, oneOf } from "../db/columns.ts";

/** The palette names the UI offers for an inbox, and who may see one (the contract's lists). */
export { INBOX_COLORS };
/** org = everyone in the organisation; restricted = listed members (and owners/admins). */
export const INBOX_VISIBILITIES = VISIBILITIES;

/** A shared inbox: what agents work in. Channels feed it; visibility decides who sees it. */
export const inboxes = pgTable(
  "inboxes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    color: text("color", { enum: INBOX_COLORS }).notNull().default("blue"),
    visibility: text("visibility", { enum: INBOX_VISIBILITIES }).notNull().default("org"),
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: at("created_at").defaultNow().notNull(),
    updatedAt: at("updated_at").defaultNow().notNull(),
  },
  (t) => [
    index("inboxes_org_idx").on(t.orgId),
    uniqueIndex("inboxes_org_name_uidx").on(t.orgId, sql`lower(${t.name})`),
    // At most one default inbox per org, even when two connects race to create it.
    uniqueIndex("inboxes_org_default_uidx").on(t.orgId).where(sql`${t.isDefault}`),
    check("inboxes_color_check", oneOf(t.color, INBOX_COLORS)),
    check("inboxes_visibility_check", oneOf(t.visibility, INBOX_VISIBILITIES)),
  ],
);

export const inboxMembers = pgTable(
  "inbox_members",
  {
    inboxId: uuid("inbox_id")
      .notNull()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    orgId: orgIdColumn(),
  },
  (t) => [primaryKey({ columns: [t.inboxId, t.userId] })],
);

export const inboxChannels = pgTable(
  "inbox_channels",
  {
    inboxId: uuid("inbox_id")
      .notNull()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    channelId: channelIdColumn(),
    orgId: orgIdColumn(),
    createdAt: at("created_at").defaultNow().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.inboxId, t.channelId] }),
    index("inbox_channels_channel_idx").on(t.channelId),
  ],
);
