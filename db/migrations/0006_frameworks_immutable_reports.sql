-- Report snapshots are evidence: once stored they may never change or disappear.
CREATE OR REPLACE FUNCTION steward_report_snapshots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'report snapshots are immutable (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS report_snapshots_immutable ON report_snapshots;
--> statement-breakpoint
CREATE TRIGGER report_snapshots_immutable BEFORE UPDATE OR DELETE ON report_snapshots
  FOR EACH ROW EXECUTE FUNCTION steward_report_snapshots_immutable();
