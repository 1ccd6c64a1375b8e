CREATE TABLE "backfill_cursors" (
	"backfill_id" uuid NOT NULL,
	"folder" text NOT NULL,
	"next_link" text,
	"total" integer,
	"synced" integer DEFAULT 0 NOT NULL,
	"done" boolean DEFAULT false NOT NULL,
	CONSTRAINT "backfill_cursors_backfill_id_folder_pk" PRIMARY KEY("backfill_id","folder"),
	CONSTRAINT "backfill_cursors_folder_check" CHECK ("backfill_cursors"."folder" in ('inbox', 'sentitems'))
);
--> statement-breakpoint
ALTER TABLE "backfill_cursors" ADD CONSTRAINT "backfill_cursors_backfill_id_backfills_id_fk" FOREIGN KEY ("backfill_id") REFERENCES "public"."backfills"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Backfills in progress keep their place: each folder's jsonb cursor becomes a row.
INSERT INTO "backfill_cursors" ("backfill_id", "folder", "next_link", "total", "synced", "done")
SELECT b."id", c.key, c.value->>'nextLink', (c.value->>'total')::integer,
  coalesce((c.value->>'synced')::integer, 0), coalesce((c.value->>'done')::boolean, false)
FROM "backfills" b CROSS JOIN LATERAL jsonb_each(b."cursors") AS c(key, value)
WHERE c.key IN ('inbox', 'sentitems');--> statement-breakpoint
ALTER TABLE "backfills" DROP COLUMN "cursors";--> statement-breakpoint
ALTER TABLE "channel_aliases" ADD CONSTRAINT "channel_aliases_source_check" CHECK ("channel_aliases"."source" in ('proxyAddresses', 'mail', 'otherMails', 'userPrincipalName'));--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_provider_check" CHECK ("channels"."provider" in ('outlook'));--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_status_check" CHECK ("channels"."status" in ('connected', 'needs_reauth', 'disconnected'));--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_status_reason_check" CHECK ("channels"."status_reason" in ('redirect_uri_mismatch', 'invalid_client_secret', 'client_secret_expired', 'app_not_found', 'account_type_not_supported', 'consent_required', 'admin_approval_required', 'refresh_token_expired', 'grant_revoked', 'interaction_required', 'access_denied', 'our_bug', 'transient', 'unknown', 'credentials_missing'));--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_credential_source_check" CHECK ("channels"."credential_source" in ('platform', 'byoc'));--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_purpose_check" CHECK ("oauth_states"."purpose" in ('connect', 'reconnect'));--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_return_to_check" CHECK ("oauth_states"."return_to" in ('onboarding', 'channels'));--> statement-breakpoint
ALTER TABLE "oauth_states" ADD CONSTRAINT "oauth_states_credential_source_check" CHECK ("oauth_states"."credential_source" in ('platform', 'byoc'));--> statement-breakpoint
ALTER TABLE "inboxes" ADD CONSTRAINT "inboxes_color_check" CHECK ("inboxes"."color" in ('blue', 'green', 'orange', 'purple', 'red', 'teal', 'gray', 'pink'));--> statement-breakpoint
ALTER TABLE "inboxes" ADD CONSTRAINT "inboxes_visibility_check" CHECK ("inboxes"."visibility" in ('org', 'restricted'));--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_folder_check" CHECK ("messages"."folder" in ('inbox', 'sentitems'));--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_direction_check" CHECK ("messages"."direction" in ('inbound', 'outbound'));--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_body_content_type_check" CHECK ("messages"."body_content_type" in ('text', 'html'));--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_folder_check" CHECK ("sync_cursors"."folder" in ('inbox', 'sentitems'));--> statement-breakpoint
ALTER TABLE "backfills" ADD CONSTRAINT "backfills_status_check" CHECK ("backfills"."status" in ('running', 'done', 'failed', 'cancelled'));--> statement-breakpoint
ALTER TABLE "channel_sync_state" ADD CONSTRAINT "channel_sync_state_mode_check" CHECK ("channel_sync_state"."mode" in ('webhook', 'polling'));--> statement-breakpoint
ALTER TABLE "channel_sync_state" ADD CONSTRAINT "channel_sync_state_polling_reason_check" CHECK ("channel_sync_state"."polling_reason" in ('public_url_not_public', 'webhooks_off', 'subscription_refused', 'subscription_lapsed'));--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_folder_check" CHECK ("subscriptions"."folder" in ('inbox', 'sentitems'));--> statement-breakpoint
ALTER TABLE "sync_errors" ADD CONSTRAINT "sync_errors_kind_check" CHECK ("sync_errors"."kind" in ('delta', 'subscription', 'backfill', 'renewal', 'throttled'));