-- Retention no longer deletes past-cutoff idempotency keys inside the partition function: one
-- DELETE of a day's keys (≈ 86 million rows at 1,000 decisions/s) was one transaction holding the
-- server's transaction horizon back — vacuum and outbound delivery (which reads only below that
-- horizon) waited for it. db/ingest.ts deleteDecisionKeysBefore deletes them in bounded batches,
-- each its own statement and transaction, after this function has dropped the partitions.
CREATE OR REPLACE FUNCTION steward_drop_decision_partitions_before(cutoff date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	part record;
	dropped integer := 0;
BEGIN
	FOR part IN
		SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'decisions'::regclass AND c.relname ~ '^decisions_p[0-9]{8}$'
	LOOP
		IF to_date(substr(part.relname, 12), 'YYYYMMDD') < cutoff THEN
			EXECUTE format('DROP TABLE IF EXISTS %I', part.relname);
			dropped := dropped + 1;
		END IF;
	END LOOP;
	RETURN dropped;
END;
$$;
