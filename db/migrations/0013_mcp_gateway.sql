CREATE TABLE "gateway_status" (
	"enforcement_point_id" text PRIMARY KEY NOT NULL,
	"policy_revision" text,
	"bundle_age_seconds" integer,
	"spool_backlog" integer DEFAULT 0 NOT NULL,
	"spool_bytes" bigint DEFAULT 0 NOT NULL,
	"spool_full" integer DEFAULT 0 NOT NULL,
	"upstreams" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mcp_servers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"transport" text NOT NULL,
	"url" text,
	"command" text,
	"args" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"owner_id" text,
	"environment" text DEFAULT '' NOT NULL,
	"data_sensitivity" text DEFAULT 'internal' NOT NULL,
	"tool_annotations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mcp_servers_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "mcp_tools" (
	"server" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"annotations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reported_by" text NOT NULL,
	CONSTRAINT "mcp_tools_server_name_pk" PRIMARY KEY("server","name")
);
