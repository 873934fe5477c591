ALTER TABLE "framework_items" ADD COLUMN "id_origin" text DEFAULT 'official' NOT NULL;--> statement-breakpoint
ALTER TABLE "framework_items" ADD COLUMN "title_origin" text DEFAULT 'official' NOT NULL;--> statement-breakpoint
ALTER TABLE "frameworks" ADD COLUMN "id_origin" text DEFAULT 'official' NOT NULL;--> statement-breakpoint
ALTER TABLE "frameworks" ADD COLUMN "title_origin" text DEFAULT 'official' NOT NULL;--> statement-breakpoint
ALTER TABLE "frameworks" ADD COLUMN "provenance_note" text DEFAULT '' NOT NULL;