/**
 * Each policy studio tab's name in the address (`/policies?tab=…`), in the studio's tab order;
 * Policies, the first, is also the tab with none. A plain module: the page (a server component)
 * validates `?tab=` with it, and the studio (a client component) writes it.
 */
export const STUDIO_TAB_SLUGS = ["policies", "tests", "review", "replay", "usage", "schema"] as const;
export type StudioTabSlug = (typeof STUDIO_TAB_SLUGS)[number];
