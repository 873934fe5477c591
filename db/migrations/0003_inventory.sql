CREATE TABLE "activity_rollup_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"open_from" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_action_seen" (
	"agent_id" text NOT NULL,
	"action_name" text NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "agent_action_seen_agent_id_action_name_pk" PRIMARY KEY("agent_id","action_name")
);
--> statement-breakpoint
CREATE TABLE "agent_activity_daily" (
	"agent_id" text NOT NULL,
	"day" date NOT NULL,
	"decisions" bigint NOT NULL,
	"denies" bigint NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "agent_activity_daily_agent_id_day_pk" PRIMARY KEY("agent_id","day")
);
--> statement-breakpoint
CREATE TABLE "agent_delegation_daily" (
	"delegator_ref" text NOT NULL,
	"agent_id" text NOT NULL,
	"day" date NOT NULL,
	"decisions" bigint NOT NULL,
	CONSTRAINT "agent_delegation_daily_delegator_ref_agent_id_day_pk" PRIMARY KEY("delegator_ref","agent_id","day")
);
--> statement-breakpoint
CREATE TABLE "attestation_campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"started_by" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "attestations" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text,
	"agent_id" text NOT NULL,
	"owner_id" text,
	"outcome" text,
	"note" text DEFAULT '' NOT NULL,
	"attested_at" timestamp with time zone,
	"attested_by" text
);
--> statement-breakpoint
CREATE TABLE "finding_snapshots" (
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"open_count" integer NOT NULL,
	CONSTRAINT "finding_snapshots_day_kind_pk" PRIMARY KEY("day","kind")
);
--> statement-breakpoint
CREATE TABLE "findings" (
	"id" text PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"first_detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"justification" text,
	"accepted_until" timestamp with time zone,
	"decided_by" text
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "risk_tier" text DEFAULT 'low' NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "risk_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "risk_override_tier" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "risk_override_justification" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "in_team_queue" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "risk_rank" integer GENERATED ALWAYS AS (case coalesce(risk_override_tier, risk_tier) when 'critical' then 3 when 'high' then 2 when 'medium' then 1 else 0 end) STORED;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "last_attested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "attestations" ADD CONSTRAINT "attestations_campaign_id_attestation_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."attestation_campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attestations" ADD CONSTRAINT "attestations_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attestations" ADD CONSTRAINT "attestations_owner_id_people_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_action_seen_last_idx" ON "agent_action_seen" USING btree ("last_at");--> statement-breakpoint
CREATE INDEX "agent_activity_daily_day_idx" ON "agent_activity_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "agent_delegation_daily_day_idx" ON "agent_delegation_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "attestations_campaign_idx" ON "attestations" USING btree ("campaign_id");--> statement-breakpoint
CREATE INDEX "attestations_agent_idx" ON "attestations" USING btree ("agent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "findings_agent_kind_idx" ON "findings" USING btree ("agent_id","kind");--> statement-breakpoint
CREATE INDEX "findings_status_kind_idx" ON "findings" USING btree ("status","kind");--> statement-breakpoint
CREATE INDEX "agents_backup_owner_idx" ON "agents" USING btree ("backup_owner_id");--> statement-breakpoint
CREATE INDEX "agents_name_idx" ON "agents" USING btree ("name");--> statement-breakpoint
CREATE INDEX "agents_sort_name_idx" ON "agents" USING btree (lower("name"),"id");--> statement-breakpoint
CREATE INDEX "agents_sort_risk_idx" ON "agents" USING btree ("risk_rank" desc,lower("name"),"id");--> statement-breakpoint
CREATE INDEX "agents_sort_last_seen_idx" ON "agents" USING btree ("last_seen_at" desc nulls last,"id" desc);--> statement-breakpoint
CREATE INDEX "agents_sort_created_idx" ON "agents" USING btree ("created_at","id");