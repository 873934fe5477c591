import { z } from "zod";
import { sortParam } from "../http/query";
import { Email } from "../users/schemas";

export const PersonFields = z.object({
  externalId: z.string().trim().min(1).max(200).nullable().optional().describe("Stable id from the directory or infrastructure-as-code"),
  name: z.string().trim().min(1, "Enter a name").max(200),
  email: Email,
  teamId: z.string().trim().min(1).nullable().optional(),
  userId: z.string().trim().min(1).nullable().optional().describe("The console user this person signs in as, if any"),
  active: z.boolean().optional(),
});
export const CreatePersonInput = PersonFields;
export const UpdatePersonBody = PersonFields.partial();
export const UpdatePersonInput = z.object({ personId: z.string().min(1), changes: UpdatePersonBody });
export const UpsertPersonBody = PersonFields.omit({ externalId: true });
export const PersonIdInput = z.object({ personId: z.string().min(1) });

export const ListPeopleQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  teamId: z.string().optional().catch(undefined),
  active: z
    // Already-parsed input (a boolean) reads the same as the URL's "true"/"false": parsing twice is harmless.
    .preprocess((v) => (typeof v === "boolean" ? String(v) : v), z.enum(["true", "false"]))
    .transform((v) => v === "true")
    .optional()
    .catch(undefined),
  limit: z.coerce.number().int().min(1).max(500).default(100).catch(100),
  offset: z.coerce.number().int().min(0).default(0).catch(0),
  /** `name` (default) or `email`; `-` reverses. */
  sort: sortParam(["name", "email"], "name"),
});

export const PersonView = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  name: z.string(),
  email: z.string(),
  teamId: z.string().nullable(),
  userId: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type PersonView = z.infer<typeof PersonView>;
export const PersonPage = z.object({ items: z.array(PersonView), total: z.number(), limit: z.number(), offset: z.number() });

export const CreateTeamInput = z.object({ name: z.string().trim().min(1, "Enter a team name").max(200) });
export const RenameTeamInput = z.object({ teamId: z.string().min(1), name: z.string().trim().min(1, "Enter a team name").max(200) });
export const TeamIdInput = z.object({ teamId: z.string().min(1) });
