import { createHash } from "node:crypto";
import { getControlOrThrow, insertManualEvidence } from "@/db/frameworks";
import { actorLabel } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { getSettings } from "../settings/settings";
import { evidenceActorId } from "./review-manual-evidence";
import { ManualEvidenceInput } from "./schemas";

/**
 * Records a link or small file as evidence for a control, attested by the acting person until it
 * expires. A file (at most about 1 MB, base64 within the JSON body limit) is stored with the SHA-256
 * (hex) and length of its bytes. The evidence is `pending` and counts only once another person has
 * reviewed it (reviewManualEvidence).
 */
export async function attestManualEvidence({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "frameworks.manage");
  const parsed = ManualEvidenceInput.parse(input);
  if (parsed.expiresAt.getTime() <= Date.now()) throw new StewardError("invalid_input", "The expiry must be in the future", { path: "expiresAt" });
  return withTransaction(ctx, async (tx) => {
    const { manualEvidenceMaxValidityDays: maxDays } = await getSettings(tx);
    if (parsed.expiresAt.getTime() > Date.now() + maxDays * 86_400_000) {
      throw new StewardError("invalid_input", `Manual evidence is valid for at most ${maxDays} days (setting manualEvidenceMaxValidityDays); choose an earlier expiry`, { path: "expiresAt" });
    }
    await getControlOrThrow(tx, parsed.controlId);
    const bytes = parsed.kind === "file" && parsed.fileContentBase64 ? Buffer.from(parsed.fileContentBase64, "base64") : null;
    const row = await insertManualEvidence(tx, {
      id: newId("evd"),
      controlId: parsed.controlId,
      kind: parsed.kind,
      url: parsed.kind === "link" ? (parsed.url ?? null) : null,
      fileName: parsed.kind === "file" ? (parsed.fileName ?? null) : null,
      fileContentBase64: parsed.kind === "file" ? (parsed.fileContentBase64 ?? null) : null,
      attestation: parsed.attestation,
      attestedBy: actorLabel(ctx.actor),
      attestedById: evidenceActorId(ctx.actor),
      fileSha256: bytes ? createHash("sha256").update(bytes).digest("hex") : null,
      fileSizeBytes: bytes ? bytes.length : null,
      reviewStatus: "pending",
      expiresAt: parsed.expiresAt,
    });
    const { fileContentBase64: _content, ...snapshot } = row;
    await recordAudit(tx, ctx, { action: "manual_evidence.create", entityType: "manual_evidence", entityId: row.id, after: snapshot });
    return snapshot;
  });
}
