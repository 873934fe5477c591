ALTER TABLE "secret_releases" ADD COLUMN "kind" text;--> statement-breakpoint
ALTER TABLE "secret_releases" ADD COLUMN "grant" text;