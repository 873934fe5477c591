CREATE TABLE "decision_keys" (
	"enforcement_point_id" text NOT NULL,
	"decision_id" text NOT NULL,
	"content_hash" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	CONSTRAINT "decision_keys_enforcement_point_id_decision_id_pk" PRIMARY KEY("enforcement_point_id","decision_id")
);
--> statement-breakpoint
CREATE TABLE "decision_quarantine" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"enforcement_point_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decision_id" text,
	"reason" text NOT NULL,
	"path" text NOT NULL,
	"message" text NOT NULL,
	"raw" text NOT NULL,
	"raw_hash" text NOT NULL,
	"batch_index" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enforcement_point_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"enforcement_point_id" text NOT NULL,
	"prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "enforcement_point_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "resource_properties" jsonb;--> statement-breakpoint
ALTER TABLE "enforcement_points" ADD COLUMN "opa_mapping" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "enforcement_points" ADD COLUMN "last_rejected_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enforcement_points" ADD COLUMN "last_rejected_reason" text;--> statement-breakpoint
ALTER TABLE "enforcement_point_tokens" ADD CONSTRAINT "enforcement_point_tokens_enforcement_point_id_enforcement_points_id_fk" FOREIGN KEY ("enforcement_point_id") REFERENCES "public"."enforcement_points"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "decision_quarantine_ep_hash_idx" ON "decision_quarantine" USING btree ("enforcement_point_id","raw_hash");--> statement-breakpoint
CREATE INDEX "decision_quarantine_received_idx" ON "decision_quarantine" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "enforcement_point_tokens_ep_idx" ON "enforcement_point_tokens" USING btree ("enforcement_point_id");--> statement-breakpoint
CREATE INDEX "decisions_task_idx" ON "decisions" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "decisions_ep_time_idx" ON "decisions" USING btree ("enforcement_point_id","time");