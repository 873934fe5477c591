-- Hand-written: every change of an agent's name, or its deletion, by whatever path (console, API, import,
-- merge, offboarding), sends the agent's id on steward_agent_names at commit, so every process drops the
-- name it cached for that agent (the live feed's) instead of showing the old one until its cache expires.
CREATE FUNCTION steward_notify_agent_name() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('steward_agent_names', OLD.id);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER agents_name_update_notice AFTER UPDATE OF name ON agents
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION steward_notify_agent_name();
--> statement-breakpoint
CREATE TRIGGER agents_delete_notice AFTER DELETE ON agents
  FOR EACH ROW EXECUTE FUNCTION steward_notify_agent_name();
