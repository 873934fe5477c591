"use server";

import { z } from "zod";
import { action } from "@/app/_server/action";
import { getDb } from "@/db/client";
import { verifyAuditChain } from "@/lib/audit/verify-chain";

export const verifyAuditChainAction = action("audit.read", z.unknown(), async () => verifyAuditChain(await getDb()));
