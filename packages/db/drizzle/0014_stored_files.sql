CREATE TABLE "stored_file_chunks" (
	"file_id" uuid NOT NULL,
	"start" bigint NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "stored_file_chunks_file_id_start_pk" PRIMARY KEY("file_id","start")
);
--> statement-breakpoint
CREATE TABLE "stored_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"received_bytes" bigint DEFAULT 0 NOT NULL,
	"sha256" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "stored_files_organization_id_id_key" UNIQUE("organization_id","id"),
	CONSTRAINT "stored_files_received_within_size" CHECK ("stored_files"."received_bytes" >= 0 and "stored_files"."received_bytes" <= "stored_files"."size")
);
--> statement-breakpoint
ALTER TABLE "stored_file_chunks" ADD CONSTRAINT "stored_file_chunks_file_id_stored_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."stored_files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stored_files" ADD CONSTRAINT "stored_files_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stored_files_organization_id_idx" ON "stored_files" USING btree ("organization_id");--> statement-breakpoint
-- Stored files are read back in slices: compressing them would cost CPU on every upload and every run.
ALTER TABLE "stored_file_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;--> statement-breakpoint
-- CSV connections made before stored files kept the whole file in settings.csv: each one's text becomes a stored
-- file (UTF-8, in 1 MiB chunks, with its SHA-256) and the connection names it (settings.fileId) instead.
WITH "old" AS (
	SELECT "c"."id" AS "connection_id", "c"."organization_id", gen_random_uuid() AS "file_id",
		convert_to("c"."settings"->>'csv', 'UTF8') AS "bytes",
		left(coalesce(nullif(trim("c"."settings"->>'fileName'), ''), 'file.csv'), 255) AS "name"
	FROM "connections" "c"
	WHERE "c"."connector_id" = 'csv' AND jsonb_typeof("c"."settings"->'csv') = 'string'
), "files" AS (
	INSERT INTO "stored_files" ("id", "organization_id", "name", "size", "received_bytes", "sha256", "completed_at")
	SELECT "file_id", "organization_id", "name", length("bytes"), length("bytes"), encode(sha256("bytes"), 'hex'), now()
	FROM "old"
), "chunks" AS (
	INSERT INTO "stored_file_chunks" ("file_id", "start", "data")
	SELECT "old"."file_id", "s"."start", substring("old"."bytes" FROM "s"."start"::int + 1 FOR 1048576)
	FROM "old", generate_series(0::bigint, length("old"."bytes")::bigint - 1, 1048576) AS "s"("start")
)
UPDATE "connections" "c"
SET "settings" = ("c"."settings" - 'csv') || jsonb_build_object('fileId', "old"."file_id"::text), "updated_at" = now()
FROM "old"
WHERE "c"."id" = "old"."connection_id";
