CREATE TABLE "agent_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"kid" text NOT NULL,
	"alg" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "revocation_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"ref" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secret_releases" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_id" text NOT NULL,
	"secret_name" text NOT NULL,
	"task_id" text NOT NULL,
	"jti" text NOT NULL,
	"agent_id" text NOT NULL,
	"enforcement_point_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "secrets" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"upstream" text NOT NULL,
	"audience" text,
	"value_sealed" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "secrets_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text DEFAULT 'ES256' NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_key_sealed" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activates_at" timestamp with time zone NOT NULL,
	"retires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "task_tokens" (
	"jti" text PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"client_id" text NOT NULL,
	"audience" text NOT NULL,
	"scope" jsonb NOT NULL,
	"parent_jti" text,
	"depth" integer DEFAULT 0 NOT NULL,
	"act" jsonb,
	"auth_method" text NOT NULL,
	"presented_identity" text NOT NULL,
	"trust_domain" text,
	"kid" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"initiator_type" text NOT NULL,
	"initiator" text NOT NULL,
	"root_agent_id" text NOT NULL,
	"status" text DEFAULT 'live' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"tokens_expire_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by" text
);
--> statement-breakpoint
CREATE TABLE "trust_domains" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"url" text,
	"jwks" jsonb DEFAULT '{"keys":[]}'::jsonb NOT NULL,
	"allowed_algs" jsonb NOT NULL,
	"refresh_seconds" integer DEFAULT 300 NOT NULL,
	"x509_bundle" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"last_fetched_at" timestamp with time zone,
	"last_fetch_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trust_domains_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "used_assertions" (
	"issuer" text NOT NULL,
	"jti" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "used_assertions_issuer_jti_pk" PRIMARY KEY("issuer","jti")
);
--> statement-breakpoint
ALTER TABLE "task_tokens" ADD CONSTRAINT "task_tokens_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_keys_agent_kid_idx" ON "agent_keys" USING btree ("agent_id","kid");--> statement-breakpoint
CREATE INDEX "revocation_events_expires_idx" ON "revocation_events" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "secret_releases_task_idx" ON "secret_releases" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "secret_releases_agent_idx" ON "secret_releases" USING btree ("agent_id","at");--> statement-breakpoint
CREATE INDEX "task_tokens_task_idx" ON "task_tokens" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "task_tokens_agent_idx" ON "task_tokens" USING btree ("agent_id","issued_at");--> statement-breakpoint
CREATE INDEX "task_tokens_expires_idx" ON "task_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "tasks_created_idx" ON "tasks" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "tasks_root_agent_idx" ON "tasks" USING btree ("root_agent_id");--> statement-breakpoint
CREATE INDEX "used_assertions_expires_idx" ON "used_assertions" USING btree ("expires_at");