CREATE TABLE "policies" (
	"id" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"owner" text DEFAULT '' NOT NULL,
	"framework_tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "policy_approvals" (
	"id" text PRIMARY KEY NOT NULL,
	"content_hash" text NOT NULL,
	"approved_by" text NOT NULL,
	"approved_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_replays" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"cancel_requested" integer DEFAULT 0 NOT NULL,
	"params" jsonb NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"processed" bigint DEFAULT 0 NOT NULL,
	"result" jsonb,
	"error" text,
	"started_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "policy_tests" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"request" jsonb NOT NULL,
	"entities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"expected_decision" text NOT NULL,
	"expected_policies" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"revision" integer NOT NULL,
	"message" text NOT NULL,
	"author_id" text,
	"author_label" text NOT NULL,
	"content_hash" text NOT NULL,
	"content" jsonb NOT NULL,
	"rolled_back_from" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_versions_revision_unique" UNIQUE("revision")
);
--> statement-breakpoint
CREATE TABLE "policy_workspace" (
	"id" text PRIMARY KEY NOT NULL,
	"schema_text" text NOT NULL,
	"entities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"editor_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "policy_approvals_hash_idx" ON "policy_approvals" USING btree ("content_hash");--> statement-breakpoint
CREATE INDEX "policy_versions_created_idx" ON "policy_versions" USING btree ("created_at");