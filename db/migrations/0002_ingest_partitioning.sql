-- Recreates `decisions` range-partitioned by day on "time" (the init migration made it a plain
-- table; nothing has been stored in it yet). Self-contained: safe to renumber.
DROP TABLE IF EXISTS "decisions";
--> statement-breakpoint
CREATE TABLE "decisions" (
	"enforcement_point_id" text NOT NULL,
	"decision_id" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"agent_id" text NOT NULL,
	"agent_ref" text NOT NULL,
	"spiffe_id" text,
	"client_id" text,
	"action_name" text NOT NULL,
	"action_kind" text,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	"resource_properties" jsonb,
	"destination" text,
	"outcome" text NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"policy_revision" text,
	"task_id" text,
	"trace_id" text,
	"span_id" text,
	"parent_span_id" text,
	"delegation" jsonb,
	"request" jsonb,
	"latency_ms" double precision,
	"context" jsonb,
	"content_hash" text NOT NULL,
	CONSTRAINT "decisions_enforcement_point_id_decision_id_time_pk" PRIMARY KEY("enforcement_point_id","decision_id","time")
) PARTITION BY RANGE ("time");
--> statement-breakpoint
CREATE INDEX "decisions_time_idx" ON "decisions" USING btree ("time");
--> statement-breakpoint
CREATE INDEX "decisions_agent_time_idx" ON "decisions" USING btree ("agent_id","time");
--> statement-breakpoint
CREATE INDEX "decisions_outcome_time_idx" ON "decisions" USING btree ("outcome","time");
--> statement-breakpoint
CREATE INDEX "decisions_trace_idx" ON "decisions" USING btree ("trace_id");
--> statement-breakpoint
CREATE INDEX "decisions_task_idx" ON "decisions" USING btree ("task_id");
--> statement-breakpoint
CREATE INDEX "decisions_ep_time_idx" ON "decisions" USING btree ("enforcement_point_id","time");
--> statement-breakpoint
-- One partition per UTC day, named decisions_pYYYYMMDD. Idempotent; returns how many it made.
CREATE OR REPLACE FUNCTION steward_ensure_decision_partitions(first_day date, last_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	day date := first_day;
	made integer := 0;
	part text;
BEGIN
	WHILE day <= last_day LOOP
		part := 'decisions_p' || to_char(day, 'YYYYMMDD');
		IF to_regclass(part) IS NULL THEN
			EXECUTE format(
				'CREATE TABLE IF NOT EXISTS %I PARTITION OF decisions FOR VALUES FROM (%L) TO (%L)',
				part, (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
			made := made + 1;
		END IF;
		day := day + 1;
	END LOOP;
	RETURN made;
END;
$$;
--> statement-breakpoint
-- Retention: drops whole day partitions that end on or before the cutoff day; returns how many.
CREATE OR REPLACE FUNCTION steward_drop_decision_partitions_before(cutoff date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	part record;
	dropped integer := 0;
BEGIN
	FOR part IN
		SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'decisions'::regclass AND c.relname ~ '^decisions_p[0-9]{8}$'
	LOOP
		IF to_date(substr(part.relname, 12), 'YYYYMMDD') < cutoff THEN
			EXECUTE format('DROP TABLE IF EXISTS %I', part.relname);
			dropped := dropped + 1;
		END IF;
	END LOOP;
	DELETE FROM decision_keys WHERE "time" < (cutoff::timestamp AT TIME ZONE 'UTC');
	RETURN dropped;
END;
$$;
--> statement-breakpoint
SELECT steward_ensure_decision_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
