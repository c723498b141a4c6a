CREATE TYPE "public"."api_key_role" AS ENUM('admin', 'member');--> statement-breakpoint
CREATE TYPE "public"."connection_status" AS ENUM('active', 'needs_new_key');--> statement-breakpoint
CREATE TYPE "public"."lead_status" AS ENUM('active', 'deleted', 'bounced', 'do_not_mail');--> statement-breakpoint
CREATE TYPE "public"."ignored_reason" AS ENUM('bounced', 'do_not_mail', 'group_email', 'file_duplicate', 'empty_email', 'invalid_pattern');--> statement-breakpoint
CREATE TYPE "public"."run_outcome" AS ENUM('new', 're_added', 'duplicate', 'ignored', 'deleted');--> statement-breakpoint
CREATE TYPE "public"."run_status" AS ENUM('queued', 'running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."import_mode" AS ENUM('all', 'criteria');--> statement-breakpoint
CREATE TYPE "public"."sync_status" AS ENUM('draft', 'active', 'inactive');--> statement-breakpoint
CREATE TYPE "public"."update_policy" AS ENUM('overwrite', 'fill_empty', 'never');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"role" "api_key_role" DEFAULT 'member' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"connector_id" text NOT NULL,
	"name" text NOT NULL,
	"credentials_encrypted" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"masked_key" text,
	"primary_email" text,
	"status" "connection_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "connections_organization_id_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"email" text NOT NULL,
	"first_name" text,
	"last_name" text,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "lead_status" DEFAULT 'active' NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "leads_organization_id_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "list_memberships" (
	"mailing_list_id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"added_by_sync_id" uuid,
	CONSTRAINT "list_memberships_mailing_list_id_lead_id_pk" PRIMARY KEY("mailing_list_id","lead_id")
);
--> statement-breakpoint
CREATE TABLE "mailing_lists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mailing_lists_organization_id_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "run_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"run_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"source_id" text NOT NULL,
	"email" text,
	"lead_id" uuid,
	"outcome" "run_outcome" NOT NULL,
	"reason" "ignored_reason",
	"suggestion" text,
	"previous" jsonb,
	CONSTRAINT "run_records_run_seq_key" UNIQUE("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"sync_id" uuid NOT NULL,
	"status" "run_status" DEFAULT 'queued' NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"trigger" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text,
	"total" integer DEFAULT 0 NOT NULL,
	"new_leads" integer DEFAULT 0 NOT NULL,
	"re_added" integer DEFAULT 0 NOT NULL,
	"duplicate" integer DEFAULT 0 NOT NULL,
	"ignored" integer DEFAULT 0 NOT NULL,
	"deleted" integer DEFAULT 0 NOT NULL,
	"bounced" integer DEFAULT 0 NOT NULL,
	"do_not_mail" integer DEFAULT 0 NOT NULL,
	"group_email" integer DEFAULT 0 NOT NULL,
	"file_duplicate" integer DEFAULT 0 NOT NULL,
	"empty_email" integer DEFAULT 0 NOT NULL,
	"invalid_pattern" integer DEFAULT 0 NOT NULL,
	"read_count" integer DEFAULT 0 NOT NULL,
	"processed_count" integer DEFAULT 0 NOT NULL,
	"checkpoint" jsonb,
	"high_water_mark" timestamp with time zone,
	"undone_at" timestamp with time zone,
	CONSTRAINT "sync_runs_organization_id_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "source_records" (
	"sync_id" uuid NOT NULL,
	"source_id" text NOT NULL,
	"organization_id" uuid NOT NULL,
	"lead_id" uuid,
	"email" text,
	"content_hash" text,
	"source_modified_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_run_id" uuid,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "source_records_sync_id_source_id_pk" PRIMARY KEY("sync_id","source_id")
);
--> statement-breakpoint
CREATE TABLE "syncs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"name" text NOT NULL,
	"source_organization_id" text NOT NULL,
	"import_mode" "import_mode" NOT NULL,
	"criteria" jsonb,
	"mailing_list_id" uuid NOT NULL,
	"field_mapping" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"schedule" jsonb NOT NULL,
	"retrieve_from" timestamp with time zone,
	"status" "sync_status" DEFAULT 'draft' NOT NULL,
	"inactive_reason" text,
	"update_policy" "update_policy" DEFAULT 'overwrite' NOT NULL,
	"high_water_mark" timestamp with time zone,
	"next_run_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "syncs_organization_id_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_memberships" ADD CONSTRAINT "list_memberships_added_by_sync_id_syncs_id_fk" FOREIGN KEY ("added_by_sync_id") REFERENCES "public"."syncs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_memberships" ADD CONSTRAINT "list_memberships_mailing_list_fk" FOREIGN KEY ("organization_id","mailing_list_id") REFERENCES "public"."mailing_lists"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_memberships" ADD CONSTRAINT "list_memberships_lead_fk" FOREIGN KEY ("organization_id","lead_id") REFERENCES "public"."leads"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD CONSTRAINT "mailing_lists_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_records" ADD CONSTRAINT "run_records_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_records" ADD CONSTRAINT "run_records_run_fk" FOREIGN KEY ("organization_id","run_id") REFERENCES "public"."sync_runs"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_sync_fk" FOREIGN KEY ("organization_id","sync_id") REFERENCES "public"."syncs"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_records" ADD CONSTRAINT "source_records_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_records" ADD CONSTRAINT "source_records_last_seen_run_id_sync_runs_id_fk" FOREIGN KEY ("last_seen_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_records" ADD CONSTRAINT "source_records_sync_fk" FOREIGN KEY ("organization_id","sync_id") REFERENCES "public"."syncs"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "syncs" ADD CONSTRAINT "syncs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "syncs" ADD CONSTRAINT "syncs_connection_fk" FOREIGN KEY ("organization_id","connection_id") REFERENCES "public"."connections"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "syncs" ADD CONSTRAINT "syncs_mailing_list_fk" FOREIGN KEY ("organization_id","mailing_list_id") REFERENCES "public"."mailing_lists"("organization_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_idx" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_organization_id_idx" ON "api_keys" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "connections_organization_id_idx" ON "connections" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "leads_organization_email_idx" ON "leads" USING btree ("organization_id",lower("email"));--> statement-breakpoint
CREATE INDEX "leads_organization_email_prefix_idx" ON "leads" USING btree ("organization_id",lower("email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "leads_organization_status_idx" ON "leads" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "list_memberships_lead_id_idx" ON "list_memberships" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "list_memberships_organization_id_idx" ON "list_memberships" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mailing_lists_organization_name_idx" ON "mailing_lists" USING btree ("organization_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_single_default_idx" ON "organizations" USING btree ("is_default") WHERE "organizations"."is_default";--> statement-breakpoint
CREATE INDEX "run_records_run_outcome_reason_seq_idx" ON "run_records" USING btree ("run_id","outcome","reason","seq");--> statement-breakpoint
CREATE INDEX "run_records_lead_id_idx" ON "run_records" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "sync_runs_organization_id_idx" ON "sync_runs" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "sync_runs_sync_created_idx" ON "sync_runs" USING btree ("sync_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_one_active_per_sync_idx" ON "sync_runs" USING btree ("sync_id") WHERE "sync_runs"."status" in ('queued', 'running') and not "sync_runs"."dry_run";--> statement-breakpoint
CREATE INDEX "source_records_lead_id_idx" ON "source_records" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "source_records_organization_id_idx" ON "source_records" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "syncs_organization_id_idx" ON "syncs" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "syncs_connection_id_idx" ON "syncs" USING btree ("connection_id");--> statement-breakpoint
CREATE INDEX "syncs_mailing_list_id_idx" ON "syncs" USING btree ("mailing_list_id");--> statement-breakpoint
CREATE INDEX "syncs_due_idx" ON "syncs" USING btree ("next_run_at") WHERE "syncs"."status" = 'active';