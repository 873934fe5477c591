ALTER TABLE "decision_evidence_daily" ADD COLUMN "in_declared_scope" boolean;--> statement-breakpoint
ALTER TABLE "decision_evidence_daily" ADD COLUMN "destructive" boolean;--> statement-breakpoint
ALTER TABLE "decision_evidence_daily" ADD COLUMN "cross_environment" boolean;--> statement-breakpoint
ALTER TABLE "decision_evidence_daily" ADD COLUMN "agent_offboarded" boolean;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "in_declared_scope" boolean;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "destructive" boolean;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "cross_environment" boolean;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "agent_offboarded" boolean;