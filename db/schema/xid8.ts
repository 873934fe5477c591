import { customType } from "drizzle-orm/pg-core";

/** PostgreSQL's 64-bit transaction id (pg_current_xact_id()), carried as a decimal string. */
export const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });
