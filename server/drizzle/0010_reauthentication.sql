CREATE TABLE "channel_audit" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"channel_id" uuid NOT NULL,
	"action" text NOT NULL,
	"reason" text,
	"user_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_audit_action_check" CHECK ("channel_audit"."action" in ('needs_reauth', 'reconnected', 'reconnect_refused'))
);
--> statement-breakpoint
CREATE TABLE "credential_reminders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"credentials_id" uuid NOT NULL,
	"days_before" integer NOT NULL,
	"secret_expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channels" DROP CONSTRAINT "channels_status_reason_check";--> statement-breakpoint
ALTER TABLE "oauth_states" DROP CONSTRAINT "oauth_states_return_to_check";--> statement-breakpoint
ALTER TABLE "microsoft_credentials" ADD COLUMN "secret_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_audit" ADD CONSTRAINT "channel_audit_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_audit" ADD CONSTRAINT "channel_audit_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_audit" ADD CONSTRAINT "channel_audit_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_reminders" ADD CONSTRAINT "credential_reminders_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_reminders" ADD CONSTRAINT "credential_reminders_credentials_id_microsoft_credentials_id_fk" FOREIGN KEY ("credentials_id") REFERENCES "public"."microsoft_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_audit_channel_idx" ON "channel_audit" USING btree ("org_id","channel_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "credential_reminders_uidx" ON "credential_reminders" USING btree ("credentials_id","days_before","secret_expires_at");--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_status_reason_check" CHECK ("channels"."status_reason" in ('redirect_uri_mismatch', 'invalid_client_secret', 'client_secret_expired', 'app_not_found', 'app_disabled', 'tenant_not_found', 'user_disabled', 'account_type_not_supported', 'consent_required', 'admin_approval_required', 'refresh_token_expired', 'grant_revoked', 'password_expired', 'interaction_required', 'access_denied', 'our_bug', 'transient', 'unknown', 'credentials_missing', 'credentials_changed', 'graph_unauthorized'));--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_return_to_check" CHECK ("oauth_states"."return_to" in ('onboarding', 'channels', 'credentials'));