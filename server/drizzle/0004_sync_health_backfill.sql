CREATE TABLE "backfills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"channel_id" uuid NOT NULL,
	"days" integer NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"total" integer,
	"synced" integer DEFAULT 0 NOT NULL,
	"cursors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"requested_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "channel_sync_state" (
	"channel_id" uuid PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"mode" text DEFAULT 'webhook' NOT NULL,
	"polling_reason" text,
	"polling_detail" text,
	"webhook_retry_at" timestamp with time zone,
	"last_notification_at" timestamp with time zone,
	"last_delta_at" timestamp with time zone,
	"initial_synced_at" timestamp with time zone,
	"initial_total" integer,
	"last_error_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "graph_request_slots" (
	"channel_id" uuid NOT NULL,
	"slot" integer NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "graph_request_slots_channel_id_slot_pk" PRIMARY KEY("channel_id","slot")
);
--> statement-breakpoint
CREATE TABLE "sync_errors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"channel_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"message" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "attachments" jsonb;--> statement-breakpoint
ALTER TABLE "sync_leases" ADD COLUMN "rerun" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "renew_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "backfills" ADD CONSTRAINT "backfills_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backfills" ADD CONSTRAINT "backfills_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_sync_state" ADD CONSTRAINT "channel_sync_state_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_sync_state" ADD CONSTRAINT "channel_sync_state_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "graph_request_slots" ADD CONSTRAINT "graph_request_slots_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_errors" ADD CONSTRAINT "sync_errors_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_errors" ADD CONSTRAINT "sync_errors_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "backfills_channel_idx" ON "backfills" USING btree ("channel_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "backfills_one_running_uidx" ON "backfills" USING btree ("channel_id") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "channel_sync_state_mode_idx" ON "channel_sync_state" USING btree ("mode");--> statement-breakpoint
CREATE INDEX "sync_errors_channel_idx" ON "sync_errors" USING btree ("channel_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "subscriptions_renew_idx" ON "subscriptions" USING btree ("renew_at");