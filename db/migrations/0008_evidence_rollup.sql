CREATE TABLE "decision_days_changed" (
	"day" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decision_evidence_daily" (
	"day" date NOT NULL,
	"agent_id" text NOT NULL,
	"action_name" text NOT NULL,
	"outcome" text NOT NULL,
	"enforcement_point_id" text NOT NULL,
	"identity" text,
	"depth" integer NOT NULL,
	"decisions" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "decision_days_changed_day_idx" ON "decision_days_changed" USING btree ("day");--> statement-breakpoint
CREATE INDEX "decision_evidence_daily_day_agent_idx" ON "decision_evidence_daily" USING btree ("day","agent_id");--> statement-breakpoint
-- Existing installs: the next activity refresh rebuilds every rollup from the first decision, so the
-- new evidence rollup covers the closed days (until then reports read every day live).
UPDATE "activity_rollup_state" SET "open_from" = NULL;
