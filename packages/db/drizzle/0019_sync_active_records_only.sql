ALTER TABLE "syncs" ADD COLUMN "active_records_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- The Zoho Invoice connection setting activeContactsOnly became a sync's choice: each sync of such a connection
-- keeps reading active contacts only, and the connection forgets the setting.
UPDATE "syncs" SET "active_records_only" = true FROM "connections"
WHERE "connections"."id" = "syncs"."connection_id" AND "connections"."organization_id" = "syncs"."organization_id"
  AND "connections"."settings" ->> 'activeContactsOnly' = 'true';--> statement-breakpoint
UPDATE "connections" SET "settings" = "settings" - 'activeContactsOnly' WHERE "settings" ? 'activeContactsOnly';
