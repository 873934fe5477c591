CREATE TABLE "agent_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "agent_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"agent_id" text NOT NULL,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"environment" text,
	"owner_id" text,
	"backup_owner_id" text,
	"team_id" text,
	"declared_actions" jsonb NOT NULL,
	"declared_resource_types" jsonb NOT NULL,
	"credential_kind" text,
	"credential_max_lifetime_seconds" integer
);
--> statement-breakpoint
ALTER TABLE "manual_evidence" ADD COLUMN "attested_by_id" text;--> statement-breakpoint
ALTER TABLE "manual_evidence" ADD COLUMN "file_sha256" text;--> statement-breakpoint
ALTER TABLE "manual_evidence" ADD COLUMN "file_size_bytes" integer;--> statement-breakpoint
ALTER TABLE "manual_evidence" ADD COLUMN "review_status" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "manual_evidence" ADD COLUMN "reviewed_by" text;--> statement-breakpoint
ALTER TABLE "manual_evidence" ADD COLUMN "reviewed_by_id" text;--> statement-breakpoint
ALTER TABLE "manual_evidence" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "agent_history_agent_valid_from_idx" ON "agent_history" USING btree ("agent_id","valid_from" desc,"id" desc);--> statement-breakpoint
-- Hand-written: every change of what a report judges about an agent, by whatever path (console, API,
-- import, discovery at ingest, offboarding, attestation), is recorded in agent_history in the same
-- transaction, so reports can read the inventory as it stood at a period's end. An inserted agent is
-- valid from its creation time (an import may carry an earlier one); a change from the transaction's time.
CREATE FUNCTION steward_record_agent_history() RETURNS trigger AS $$
BEGIN
  INSERT INTO agent_history (agent_id, valid_from, name, status, environment, owner_id, backup_owner_id, team_id,
                             declared_actions, declared_resource_types, credential_kind, credential_max_lifetime_seconds)
  VALUES (NEW.id, CASE WHEN TG_OP = 'INSERT' THEN least(NEW.created_at, now()) ELSE now() END, NEW.name, NEW.status, NEW.environment, NEW.owner_id, NEW.backup_owner_id, NEW.team_id,
          NEW.declared_actions, NEW.declared_resource_types, NEW.credential_kind, NEW.credential_max_lifetime_seconds);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER agents_history_insert AFTER INSERT ON agents
  FOR EACH ROW EXECUTE FUNCTION steward_record_agent_history();
--> statement-breakpoint
CREATE TRIGGER agents_history_update AFTER UPDATE ON agents
  FOR EACH ROW WHEN (
    (OLD.name, OLD.status, OLD.environment, OLD.owner_id, OLD.backup_owner_id, OLD.team_id, OLD.declared_actions,
     OLD.declared_resource_types, OLD.credential_kind, OLD.credential_max_lifetime_seconds)
    IS DISTINCT FROM
    (NEW.name, NEW.status, NEW.environment, NEW.owner_id, NEW.backup_owner_id, NEW.team_id, NEW.declared_actions,
     NEW.declared_resource_types, NEW.credential_kind, NEW.credential_max_lifetime_seconds)
  )
  EXECUTE FUNCTION steward_record_agent_history();
--> statement-breakpoint
-- Agents from before the history: their state now, valid from their creation (the best record there is).
INSERT INTO agent_history (agent_id, valid_from, name, status, environment, owner_id, backup_owner_id, team_id,
                           declared_actions, declared_resource_types, credential_kind, credential_max_lifetime_seconds)
SELECT id, created_at, name, status, environment, owner_id, backup_owner_id, team_id,
       declared_actions, declared_resource_types, credential_kind, credential_max_lifetime_seconds
  FROM agents;
--> statement-breakpoint
-- Existing manual evidence was never reviewed by a second person: it waits for review like new evidence.
-- Files attested before hashes were kept get theirs now, from the stored bytes.
UPDATE manual_evidence SET file_sha256 = encode(sha256(decode(file_content_base64, 'base64')), 'hex'),
                           file_size_bytes = length(decode(file_content_base64, 'base64'))
 WHERE file_content_base64 IS NOT NULL;
