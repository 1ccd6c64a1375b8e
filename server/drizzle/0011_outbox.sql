CREATE TABLE "outbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"channel_id" uuid NOT NULL,
	"conversation_id" uuid,
	"parent_message_id" uuid,
	"parent_graph_id" text,
	"kind" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"created_by" text,
	"created_by_name" text DEFAULT '' NOT NULL,
	"from_address" text NOT NULL,
	"to_recipients" jsonb NOT NULL,
	"cc_recipients" jsonb NOT NULL,
	"bcc_recipients" jsonb NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"body_html" text NOT NULL,
	"send_at" timestamp with time zone NOT NULL,
	"will_go_at" timestamp with time zone,
	"graph_draft_id" text,
	"draft_etag" text,
	"quoted_html" text,
	"internet_message_id" text,
	"graph_conversation_id" text,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failure_code" text,
	"failure_message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"draft_requested_at" timestamp with time zone,
	"send_requested_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"matched_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_messages_state_check" CHECK ("outbox_messages"."state" in ('queued', 'draft_created', 'patched', 'attachments_uploaded', 'sent', 'matched', 'failed', 'cancelled')),
	CONSTRAINT "outbox_messages_kind_check" CHECK ("outbox_messages"."kind" in ('reply', 'replyAll', 'forward', 'new'))
);
--> statement-breakpoint
CREATE TABLE "outbox_uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"channel_id" uuid NOT NULL,
	"created_by" text,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"is_inline" boolean DEFAULT false NOT NULL,
	"content_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_parent_message_id_messages_id_fk" FOREIGN KEY ("parent_message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_uploads" ADD CONSTRAINT "outbox_uploads_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_uploads" ADD CONSTRAINT "outbox_uploads_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_uploads" ADD CONSTRAINT "outbox_uploads_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_messages_conversation_idx" ON "outbox_messages" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "outbox_messages_channel_send_idx" ON "outbox_messages" USING btree ("channel_id","send_at");--> statement-breakpoint
CREATE INDEX "outbox_messages_draft_idx" ON "outbox_messages" USING btree ("channel_id","graph_draft_id");--> statement-breakpoint
CREATE INDEX "outbox_uploads_channel_idx" ON "outbox_uploads" USING btree ("channel_id");