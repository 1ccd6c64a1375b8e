CREATE TABLE "inline_image_cache" (
	"message_id" uuid NOT NULL,
	"org_id" text NOT NULL,
	"attachment_key" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inline_image_cache_message_id_attachment_key_pk" PRIMARY KEY("message_id","attachment_key")
);
--> statement-breakpoint
CREATE TABLE "remote_image_allowances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"message_id" uuid,
	"sender_address" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "remote_image_allowances_one_scope" CHECK (("remote_image_allowances"."message_id" is null) <> ("remote_image_allowances"."sender_address" is null))
);
--> statement-breakpoint
ALTER TABLE "inline_image_cache" ADD CONSTRAINT "inline_image_cache_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inline_image_cache" ADD CONSTRAINT "inline_image_cache_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remote_image_allowances" ADD CONSTRAINT "remote_image_allowances_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remote_image_allowances" ADD CONSTRAINT "remote_image_allowances_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remote_image_allowances" ADD CONSTRAINT "remote_image_allowances_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inline_image_cache_org_created_idx" ON "inline_image_cache" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "remote_image_allowances_message_uidx" ON "remote_image_allowances" USING btree ("org_id","message_id") WHERE "remote_image_allowances"."message_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "remote_image_allowances_sender_uidx" ON "remote_image_allowances" USING btree ("org_id","sender_address") WHERE "remote_image_allowances"."sender_address" is not null;