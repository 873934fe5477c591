-- Hand-written: suspending or retiring an agent, by whatever path (edit, status change, import,
-- attestation, offboarding), revokes every live task token of that agent and puts the agent on
-- the revocation feed in the same transaction. The advisory lock (7363013, also taken by
-- lib/identity when it appends to the feed) keeps feed sequence numbers visible in order.
CREATE FUNCTION steward_revoke_agent_tokens() RETURNS trigger AS $$
DECLARE
  latest timestamptz;
BEGIN
  IF NEW.status IN ('suspended', 'retired') AND OLD.status NOT IN ('suspended', 'retired') THEN
    PERFORM pg_advisory_xact_lock(7363013);
    SELECT max(expires_at) INTO latest FROM task_tokens WHERE agent_id = NEW.id AND expires_at > now();
    UPDATE task_tokens SET revoked_at = now(), revoked_reason = 'agent ' || NEW.status
      WHERE agent_id = NEW.id AND revoked_at IS NULL AND expires_at > now();
    INSERT INTO revocation_events (kind, ref, expires_at) VALUES ('agent', NEW.id, coalesce(latest, now()));
    PERFORM pg_notify('steward_revocations', '');
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER agents_revoke_tokens AFTER UPDATE OF status ON agents
  FOR EACH ROW EXECUTE FUNCTION steward_revoke_agent_tokens();
