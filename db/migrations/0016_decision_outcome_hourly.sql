CREATE TABLE "decision_outcome_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"decisions" bigint NOT NULL,
	CONSTRAINT "decision_outcome_hourly_hour_outcome_pk" PRIMARY KEY("hour","outcome")
);
--> statement-breakpoint
ALTER TABLE "activity_rollup_state" ADD COLUMN "outcomes_until" timestamp with time zone;--> statement-breakpoint
-- The next activity refresh recomputes the last 8 days, so the new hourly rollup covers the Overview's 7-day chart.
UPDATE "activity_rollup_state" SET "open_from" = least("open_from", current_date - 8);
