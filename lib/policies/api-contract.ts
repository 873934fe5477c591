import type { z } from "zod";
import type { WireResult } from "../http/wire";
import type { formatPolicyText } from "./cedar";
import type { deletePolicy, deleteTest, savePolicy, saveTest, updateEntities, updateSchema } from "./draft";
import type { explainDecision } from "./explain";
import type { approveDraft, approveRollback, publishDraft, rollbackToVersion } from "./publish";
import type { cancelReplay, getReplay, startReplay } from "./replay";
import type { DiffQuery, ExplainInput, ListPolicyVersionsQuery, FormatPolicyInput, PublishInput, SavePolicyInput, SaveTestInput, StartReplayInput, UpdateEntitiesInput, UpdateSchemaInput, ValidatePolicyInput } from "./schemas";
import type { getPolicyStats } from "./stats";
import type { validatePolicySource } from "./validate";
import type { diffPolicyVersions, getDraft, listPolicyVersions } from "./versions";

/**
 * The policy studio's HTTP contract, for the browser (components/policies/api.ts): each
 * /api/v1/policies route's response body is the wire shape of the lib function it returns, and its
 * request body the input of the zod schema it parses (z.input: before defaults and transforms).
 * Types only — components import it with `import type`, so no server code reaches the browser.
 */
export type PolicyResponses = {
  /** GET /api/v1/policies */
  draft: WireResult<typeof getDraft>;
  /** POST /api/v1/policies, PUT /api/v1/policies/{id} */
  savePolicy: WireResult<typeof savePolicy>;
  /** DELETE /api/v1/policies/{id} */
  deletePolicy: WireResult<typeof deletePolicy>;
  /** POST /api/v1/policies/validate */
  validate: WireResult<typeof validatePolicySource>;
  /** POST /api/v1/policies/format */
  format: WireResult<typeof formatPolicyText>;
  /** PUT /api/v1/policies/schema */
  schema: WireResult<typeof updateSchema>;
  /** PUT /api/v1/policies/entities */
  entities: WireResult<typeof updateEntities>;
  /** POST /api/v1/policies/tests, PUT /api/v1/policies/tests/{id} */
  saveTest: WireResult<typeof saveTest>;
  /** DELETE /api/v1/policies/tests/{id} */
  deleteTest: WireResult<typeof deleteTest>;
  /** POST /api/v1/policies/approve */
  approve: WireResult<typeof approveDraft>;
  /** POST /api/v1/policies/publish */
  publish: WireResult<typeof publishDraft>;
  /** GET /api/v1/policies/versions */
  versions: { versions: WireResult<typeof listPolicyVersions> };
  /** GET /api/v1/policies/versions/diff */
  diff: WireResult<typeof diffPolicyVersions>;
  /** POST /api/v1/policies/versions/{revision}/approve */
  approveRollback: WireResult<typeof approveRollback>;
  /** POST /api/v1/policies/versions/{revision}/rollback */
  rollback: WireResult<typeof rollbackToVersion>;
  /** POST /api/v1/policies/replays */
  startReplay: WireResult<typeof startReplay>;
  /** GET /api/v1/policies/replays/{id} */
  replay: WireResult<typeof getReplay>;
  /** POST /api/v1/policies/replays/{id}/cancel */
  cancelReplay: WireResult<typeof cancelReplay>;
  /** GET /api/v1/policies/stats */
  stats: WireResult<typeof getPolicyStats>;
  /** POST /api/v1/policies/explain */
  explain: WireResult<typeof explainDecision>;
};

/**
 * Request bodies. Where the studio sends JSON the author typed (test requests, entities), the field is
 * `unknown` on purpose: the route's zod schema checks it and answers 422 naming the path.
 */
export type PolicyRequests = {
  savePolicy: Omit<z.input<typeof SavePolicyInput>, "id">;
  validate: z.input<typeof ValidatePolicyInput>;
  format: z.input<typeof FormatPolicyInput>;
  schema: z.input<typeof UpdateSchemaInput>;
  entities: AuthorTyped<z.input<typeof UpdateEntitiesInput>, "entities">;
  saveTest: AuthorTyped<Omit<z.input<typeof SaveTestInput>, "id">, "request" | "entities">;
  publish: z.input<typeof PublishInput>;
  diff: z.input<typeof DiffQuery>;
  versions: z.input<typeof ListPolicyVersionsQuery>;
  startReplay: z.input<typeof StartReplayInput>;
  explain: z.input<typeof ExplainInput>;
};

/** `Body` with the `Fields` the author types as JSON text left for the server to check. */
type AuthorTyped<Body, Fields extends keyof Body> = Omit<Body, Fields> & { [K in Fields]: unknown };
