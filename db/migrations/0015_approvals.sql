CREATE TABLE "access_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requester_key" text NOT NULL,
	"requester_label" text NOT NULL,
	"idempotency_key" text,
	"submission_hash" text NOT NULL,
	"binding_jti" text NOT NULL,
	"binding_hash" text NOT NULL,
	"evaluation_id" text,
	"subject" jsonb NOT NULL,
	"action" jsonb NOT NULL,
	"resource" jsonb NOT NULL,
	"bound_context" jsonb NOT NULL,
	"agent_id" text,
	"task_id" text,
	"task_purpose" text,
	"initiator" text,
	"delegation" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"policy_revision" integer,
	"policies" jsonb NOT NULL,
	"required_groups" jsonb NOT NULL,
	"four_eyes" boolean DEFAULT false NOT NULL,
	"reuse_seconds" integer,
	"justification" text DEFAULT '' NOT NULL,
	"callback_url" text,
	"callback_state" text,
	"approvals" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"escalate_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"decided_by_label" text,
	"comment" text,
	"approval_id" text,
	"approved_until" timestamp with time zone,
	"used_at" timestamp with time zone,
	"used_by_decision" text,
	CONSTRAINT "access_requests_approval_id_unique" UNIQUE("approval_id")
);
--> statement-breakpoint
CREATE TABLE "approval_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"webhook_id" text,
	"access_request_id" text,
	"event" text NOT NULL,
	"url" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 8 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"approver_group" text NOT NULL,
	"preset" text NOT NULL,
	"url" text NOT NULL,
	"secret_encrypted" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "access_requests_idempotency_idx" ON "access_requests" USING btree ("requester_key","idempotency_key") WHERE idempotency_key is not null;--> statement-breakpoint
CREATE INDEX "access_requests_pending_idx" ON "access_requests" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "access_requests_agent_idx" ON "access_requests" USING btree ("agent_id","created_at");--> statement-breakpoint
CREATE INDEX "access_requests_created_idx" ON "access_requests" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "access_requests_binding_jti_idx" ON "access_requests" USING btree ("binding_jti");--> statement-breakpoint
CREATE INDEX "approval_deliveries_due_idx" ON "approval_deliveries" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "approval_deliveries_webhook_idx" ON "approval_deliveries" USING btree ("webhook_id","created_at");--> statement-breakpoint
CREATE INDEX "approval_deliveries_request_idx" ON "approval_deliveries" USING btree ("access_request_id");