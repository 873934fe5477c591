ALTER TABLE "agents" ADD COLUMN "risk_rank" integer GENERATED ALWAYS AS (case coalesce(risk_override_tier, risk_tier) when 'critical' then 3 when 'high' then 2 when 'medium' then 1 else 0 end) STORED;--> statement-breakpoint
CREATE INDEX "agents_sort_name_idx" ON "agents" USING btree (lower("name"),"id");--> statement-breakpoint
CREATE INDEX "agents_sort_risk_idx" ON "agents" USING btree ("risk_rank" desc,lower("name"),"id");--> statement-breakpoint
CREATE INDEX "agents_sort_last_seen_idx" ON "agents" USING btree ("last_seen_at" desc nulls last,"id" desc);--> statement-breakpoint
CREATE INDEX "agents_sort_created_idx" ON "agents" USING btree ("created_at","id");