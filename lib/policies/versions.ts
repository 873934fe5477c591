import { getDb } from "@/db/client";
import { getLatestRevision, getLatestVersion, getVersionByRevisionOrThrow, listVersions } from "@/db/policies";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { loadDraftContent, type PolicySetContent } from "./content";
import { diffLines } from "./diff";
import { draftStatus } from "./publish";
import { renderContent } from "./render";
import { runPolicyTests } from "./run-tests";
import { DiffQuery } from "./schemas";
import { validateContent } from "./validate";

export async function listPolicyVersions({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "policies.read");
  return listVersions(ctx.tx ?? (await getDb()));
}

/** The draft with its validation, test results and review state, as the editor shows it. */
export async function getDraft({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "policies.read");
  const db = ctx.tx ?? (await getDb());
  const content = await loadDraftContent(db);
  return { content, validation: validateContent(content), tests: runPolicyTests(content), status: await draftStatus(db, content) };
}

async function contentAt(which: string): Promise<PolicySetContent> {
  const db = await getDb();
  return which === "draft" ? loadDraftContent(db) : ((await getVersionByRevisionOrThrow(db, Number(which))).content as PolicySetContent);
}

export async function diffPolicyVersions({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.read");
  const { from, to } = DiffQuery.parse(input);
  const [before, after] = await Promise.all([contentAt(from), contentAt(to)]);
  const lines = diffLines(renderContent(before), renderContent(after));
  return { from, to, lines, added: lines.filter((line) => line.kind === "added").length, removed: lines.filter((line) => line.kind === "removed").length };
}

/** The revision string enforcement points report (`policy_revision`); null before the first publish. */
export async function getCurrentPolicyRevision(): Promise<string | null> {
  const latest = await getLatestRevision(await getDb());
  return latest ? String(latest.revision) : null;
}

export type PolicyBundle = {
  revision: string;
  etag: string;
  publishedAt: string;
  policies: { id: string; description: string; frameworkTags: string[]; text: string }[];
  schema: string;
  entities: unknown[];
};

/** What an enforcement point pulls: the published set, its schema and admin entities, and the revision. */
export async function getPolicyBundle({ ctx }: { ctx: Ctx }): Promise<PolicyBundle | null> {
  requirePermission(ctx.actor, "policies.bundle");
  const latest = await getLatestVersion(ctx.tx ?? (await getDb()));
  if (!latest) return null;
  const content = latest.content as PolicySetContent;
  return {
    revision: String(latest.revision),
    etag: `"${latest.contentHash}-${latest.revision}"`,
    publishedAt: latest.createdAt.toISOString(),
    policies: content.policies.map((policy) => ({ id: policy.id, description: policy.description, frameworkTags: policy.frameworkTags, text: policy.source })),
    schema: content.schemaText,
    entities: content.entities,
  };
}

/** If-None-Match semantics (RFC 9110 §13.1.2, weak comparison): true when the client already holds this ETag. */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === etag;
  });
}
