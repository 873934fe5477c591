CREATE TABLE "control_mappings" (
	"control_id" text NOT NULL,
	"framework_id" text NOT NULL,
	"item_id" text NOT NULL,
	"rationale" text DEFAULT '' NOT NULL,
	"origin" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "control_mappings_control_id_framework_id_item_id_pk" PRIMARY KEY("control_id","framework_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "controls" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"evidence_kind" text NOT NULL,
	"evidence_query" text,
	"builtin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "framework_items" (
	"framework_id" text NOT NULL,
	"item_id" text NOT NULL,
	"title" text NOT NULL,
	"parent_id" text,
	"kind" text DEFAULT 'item' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"position" integer NOT NULL,
	"not_applicable_reason" text,
	CONSTRAINT "framework_items_framework_id_item_id_pk" PRIMARY KEY("framework_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "frameworks" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"version" text NOT NULL,
	"publisher" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"content_hash" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "manual_evidence" (
	"id" text PRIMARY KEY NOT NULL,
	"control_id" text NOT NULL,
	"kind" text NOT NULL,
	"url" text,
	"file_name" text,
	"file_content_base64" text,
	"attestation" text NOT NULL,
	"attested_by" text NOT NULL,
	"attested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "removed_default_mappings" (
	"control_id" text NOT NULL,
	"framework_id" text NOT NULL,
	"item_id" text NOT NULL,
	"removed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "removed_default_mappings_control_id_framework_id_item_id_pk" PRIMARY KEY("control_id","framework_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "report_snapshots" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"framework_ids" jsonb NOT NULL,
	"scope" jsonb NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"content" jsonb NOT NULL,
	"sha256" text NOT NULL,
	"created_by" text NOT NULL,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "control_mappings" ADD CONSTRAINT "control_mappings_control_id_controls_id_fk" FOREIGN KEY ("control_id") REFERENCES "public"."controls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_items" ADD CONSTRAINT "framework_items_framework_id_frameworks_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."frameworks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manual_evidence" ADD CONSTRAINT "manual_evidence_control_id_controls_id_fk" FOREIGN KEY ("control_id") REFERENCES "public"."controls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "control_mappings_item_idx" ON "control_mappings" USING btree ("framework_id","item_id");--> statement-breakpoint
CREATE INDEX "framework_items_parent_idx" ON "framework_items" USING btree ("framework_id","parent_id");--> statement-breakpoint
CREATE INDEX "manual_evidence_control_idx" ON "manual_evidence" USING btree ("control_id");--> statement-breakpoint
CREATE INDEX "report_snapshots_created_idx" ON "report_snapshots" USING btree ("created_at");