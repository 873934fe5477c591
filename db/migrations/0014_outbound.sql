CREATE TABLE "alert_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"severity" text NOT NULL,
	"destination_id" text,
	"cooldown_minutes" integer DEFAULT 15 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"checked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"rule_id" text NOT NULL,
	"group_key" text NOT NULL,
	"severity" text NOT NULL,
	"title" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"acknowledged_by" text,
	"acknowledged_at" timestamp with time zone,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "alerts_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "destination_deliveries" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"destination_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"stream" text NOT NULL,
	"batch_id" text NOT NULL,
	"events" integer NOT NULL,
	"outcome" text NOT NULL,
	"status" integer,
	"latency_ms" integer,
	"response_excerpt" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "destinations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sealed_secret" text NOT NULL,
	"streams" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"decision_filter" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"allow_private_network" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"max_backlog_days" integer DEFAULT 7 NOT NULL,
	"decision_cursor_xid" "xid8" DEFAULT pg_snapshot_xmin(pg_current_snapshot()) NOT NULL,
	"decision_cursor_ep" text DEFAULT '' NOT NULL,
	"decision_cursor_id" text DEFAULT '' NOT NULL,
	"audit_cursor" bigint DEFAULT 0 NOT NULL,
	"alert_cursor" bigint DEFAULT 0 NOT NULL,
	"paused_reason" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_delivered_at" timestamp with time zone,
	"last_error_at" timestamp with time zone,
	"last_error" text,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"dropped_events" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "destinations_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "decision_keys" ADD COLUMN "xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "alerts_rule_group_idx" ON "alerts" USING btree ("rule_id","group_key");--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status","last_at");--> statement-breakpoint
CREATE INDEX "destination_deliveries_dst_idx" ON "destination_deliveries" USING btree ("destination_id","seq");--> statement-breakpoint
CREATE INDEX "decision_keys_xid_idx" ON "decision_keys" USING btree ("xid","enforcement_point_id","decision_id");