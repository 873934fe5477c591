import { bindingHash, relevantContext } from "@/lib/approvals/binding";
import type { AuthzenRequest } from "@/lib/policies/request-mapping";
import { abortController } from "./abort";
import type { DecisionOutcome } from "./decide";
import type { Logger } from "./log";

/**
 * Approval-required calls at the gateway (AuthZEN Access Request and Approval Profile, Draft 1).
 *
 * The gateway holds no console secret. Binding tokens and approval checks stay with the console,
 * the only holder of the key that signs them and of the access requests: when the local bundle
 * finds a deny requestable (or a request presents an approval), the gateway asks the console's
 * `POST /api/v1/gateway/evaluation` (its enforcement-point token; an unrecorded evaluation — the
 * gateway records the call in its spool) for the authoritative answer. A requestable answer
 * carries a console-signed binding token; an approval is checked there (one-use approvals are
 * consumed there, atomically, so two gateways cannot both spend one).
 *
 * For an MCP tools/call the gateway then submits the access request itself
 * (`POST /access/v1/requests`), long-polls its task (`GET …?wait=`) for up to `holdMs`, and on
 * approval evaluates again with the approval at `context.approval`. The approval is bound to the
 * binding hash — subject, the exact tool and the authorization-relevant context, arguments
 * included — and expires (`approved_until`), so a changed argument or another tool is denied again.
 * A call still pending when the hold ends is refused with the request's id and where to follow it;
 * the same call repeated later (same binding hash) follows the same request instead of opening
 * another, and passes once it is approved.
 *
 * A client that gives up — MCP `notifications/cancelled` for the call, or its HTTP connection gone
 * (the transport turns that into the same cancellation) — ends the hold at once: the call is never
 * forwarded, and the access request it opened is withdrawn (`POST …/cancel`, the profile's
 * cancelled state) unless another held call still waits on it. A withdrawn request is not followed
 * again: the same call repeated later opens a new one.
 *
 * Fails closed: a console that cannot be reached, or answers anything unexpected, leaves the deny.
 */

/** The console's answer (AuthZEN decision; context per lib/policies/authzen.ts evaluateForGateway). */
export type ConsoleAnswer = { decision: boolean; context: Record<string, unknown> };

type AccessRequestContext = { binding_token: string; expires_at?: string; endpoint?: string };
type Approval = { id: string; approved_at?: string; approved_until: string };
/** One access request the gateway follows, by binding hash. */
type Followed = { id: string; status: string; statusEndpoint: string; review: string | null; expiresAt: number; approval: Approval | null };
type TaskHandle = { task: { id: string; status: string; status_endpoint: string; expires_at: string; links?: { review?: string } }; result?: { approval?: Approval } };

export type ApprovalDeskOptions = {
  consoleUrl: string;
  token: string;
  /** How long a tools/call is held waiting for a person (0: answer at once with the request id). */
  holdMs: number;
  gatewayName: string;
  logger: Logger;
};

export class ApprovalUnavailable extends Error {}

const MAX_WAIT_SECONDS = 30;
/** Followed requests kept in memory at most (oldest dropped first; a dropped one is simply requested again). */
const MAX_FOLLOWED = 10_000;

export class ApprovalDesk {
  private readonly followed = new Map<string, Followed>();
  /** Submissions in flight by binding hash, so concurrent identical calls open one request. */
  private readonly opening = new Map<string, Promise<Followed | ConsoleAnswer>>();
  /** Calls held right now per binding hash: a cancelled call withdraws the request only when it was the last. */
  private readonly holders = new Map<string, number>();
  private readonly abort = abortController();

  constructor(private readonly options: ApprovalDeskOptions) {}

  /** The console's access request endpoint, for the edge PDP's metadata. */
  get accessRequestEndpoint(): string {
    return new URL("/access/v1/requests", this.options.consoleUrl).toString();
  }

  /** Calls held for approval right now. */
  get held(): number {
    let count = 0;
    for (const n of this.holders.values()) count += n;
    return count;
  }

  /** Ends every hold at once (graceful shutdown): held calls are refused, their requests stay open. */
  stop(): void {
    this.abort.abort();
  }

  /**
   * The console's authoritative answer for a request the local bundle denied as requestable, or
   * that presents an approval. Throws ApprovalUnavailable when the console cannot answer.
   */
  async consult(request: AuthzenRequest, signal?: AbortSignal): Promise<ConsoleAnswer> {
    const response = await this.call("/api/v1/gateway/evaluation", { method: "POST", body: JSON.stringify(request) }, 10_000, signal);
    const body = (await response.json().catch(() => null)) as ConsoleAnswer | null;
    if (!response.ok || !body || typeof body.decision !== "boolean") throw new ApprovalUnavailable(`the console's evaluation answered ${response.status}`);
    return { decision: body.decision, context: body.context && typeof body.context === "object" ? body.context : {} };
  }

  /**
   * Holds an approval-required MCP call: follows (or opens) the access request for this exact call,
   * waits up to holdMs for a decision, and answers allow only when the console lets the call
   * through with the approval. `decision` is the local approval_required outcome.
   */
  async hold(request: AuthzenRequest, decision: DecisionOutcome, cancelled?: AbortSignal): Promise<DecisionOutcome> {
    const key = bindingHash(request, relevantContext(request.context));
    const deadline = Date.now() + this.options.holdMs;
    const bound = { tool: decision.resourceId, arguments_hash: decision.argumentsHash, binding_hash: key };
    // Every console call of this hold ends when the gateway stops or the client cancels.
    const signal = cancelled ? AbortSignal.any([this.abort.signal, cancelled]) : this.abort.signal;
    this.holders.set(key, (this.holders.get(key) ?? 0) + 1);
    let followed: Followed | undefined;
    try {
      followed = this.followed.get(key);
      if (followed && followed.expiresAt <= Date.now() && !followed.approval) {
        this.followed.delete(key);
        followed = undefined;
      }
      // An approval already granted for this exact call (a validity window, or not yet used): try it first.
      if (followed?.approval) {
        const answer = await this.consult(withApproval(request, followed.approval), signal);
        if (answer.decision) return this.allowed(decision, answer, followed, bound);
        this.followed.delete(key);
        followed = undefined;
      }
      if (!followed) {
        const opened = await this.open(key, request, decision, deadline, signal);
        // The console's bundle may already allow the call (published since the local one): it is authoritative.
        if (!("id" in opened)) {
          if (opened.decision) return { ...decision, outcome: "allow", message: "Allowed", reasons: reasonsOf(opened, decision.reasons) };
          return { ...decision, outcome: "deny", message: `Denied by policy ${decision.reasons.join(", ")}: the console does not offer an approval for this call`, reasons: reasonsOf(opened, decision.reasons) };
        }
        followed = opened;
      }
      while (followed.status === "pending" && Date.now() < deadline && !signal.aborted) {
        followed = await this.poll(key, followed, Math.min(MAX_WAIT_SECONDS, Math.ceil((deadline - Date.now()) / 1000)), signal);
      }
      if (cancelled?.aborted) return await this.withdrawn(key, decision, followed, bound);
      if (followed.status === "approved" && followed.approval) {
        const answer = await this.consult(withApproval(request, followed.approval), signal);
        if (answer.decision) return this.allowed(decision, answer, followed, bound);
        this.followed.delete(key);
        const reason = typeof answer.context.reason === "string" ? answer.context.reason : "approval_unverifiable";
        return this.refused(decision, followed, bound, `Approval ${followed.approval.id} no longer lets this call through (${reason}); call again to request a new approval`);
      }
      if (followed.status === "pending") {
        return this.refused(decision, followed, bound, `Approval required: waiting for a person to approve access request ${followed.id}${followed.review ? ` (follow it at ${followed.review})` : ""}; call again with the same arguments once it is approved`);
      }
      this.followed.delete(key);
      return this.refused(decision, followed, bound, `Approval ${followed.status}: access request ${followed.id} was ${followed.status}, the call stays denied`);
    } catch (error) {
      if (cancelled?.aborted) return await this.withdrawn(key, decision, followed ?? this.followed.get(key), bound);
      this.options.logger.warn("approval unavailable; the call stays denied", { tool: decision.resourceId, error: error as Error });
      return { ...decision, outcome: "approval_required", message: `Approval required, but the approval service is unavailable (${(error as Error).message}); the call stays denied`, accessRequest: { status: "unavailable", ...bound } };
    } finally {
      const left = (this.holders.get(key) ?? 1) - 1;
      if (left > 0) this.holders.set(key, left);
      else this.holders.delete(key);
    }
  }

  /**
   * The client cancelled the held call: never forwarded; its access request is withdrawn when no
   * other held call waits on it and it is still pending (an approval or denial already given stays).
   */
  private async withdrawn(key: string, decision: DecisionOutcome, followed: Followed | undefined, bound: Record<string, unknown>): Promise<DecisionOutcome> {
    const message = "Cancelled by the client while waiting for approval; the call was not made";
    // Cancelled while the request was being submitted: let the submission end, then withdraw what it opened.
    const opening = followed ? undefined : this.opening.get(key);
    if (opening) {
      const opened = await opening.catch(() => null);
      if (opened && "id" in opened) followed = opened;
    }
    if (!followed) return { ...decision, outcome: "approval_required", message, accessRequest: { status: "not_opened", ...bound } };
    let status = followed.status;
    if (status === "pending" && (this.holders.get(key) ?? 0) <= 1) {
      try {
        const response = await this.call(new URL(`${followed.statusEndpoint}/cancel`, this.options.consoleUrl).pathname, { method: "POST" });
        const handle = (await response.json().catch(() => null)) as TaskHandle | null;
        if (response.ok && handle?.task?.status) status = handle.task.status;
        else this.options.logger.warn("could not withdraw the access request of a cancelled call", { accessRequest: followed.id, status: response.status });
      } catch (error) {
        this.options.logger.warn("could not withdraw the access request of a cancelled call", { accessRequest: followed.id, error: error as Error });
      }
      // Withdrawn (or no longer pending): the next identical call asks again.
      if (status !== "pending" && this.followed.get(key)?.id === followed.id) this.followed.delete(key);
    }
    return { ...decision, outcome: "approval_required", message, accessRequest: { id: followed.id, status, status_endpoint: followed.statusEndpoint, ...(followed.review ? { review: followed.review } : {}), cancelled_by_client: true, ...bound } };
  }

  private allowed(decision: DecisionOutcome, answer: ConsoleAnswer, followed: Followed, bound: Record<string, unknown>): DecisionOutcome {
    const approval = (answer.context.approval as Approval | undefined) ?? followed.approval!;
    return {
      ...decision,
      outcome: "allow",
      message: `Allowed by approval ${approval.id}`,
      reasons: reasonsOf(answer, decision.reasons),
      accessRequest: { id: followed.id, status: "approved", approval_id: approval.id, approved_until: approval.approved_until, ...(followed.review ? { review: followed.review } : {}), ...bound },
    };
  }

  /**
   * A held call that ends without an approval. Recorded as `approval_required` with its access
   * request (still pending, expired, cancelled, or an approval that no longer fits), so the explorer
   * shows it waiting or lapsed; only a person's explicit denial is recorded as a plain `deny`.
   */
  private refused(decision: DecisionOutcome, followed: Followed, bound: Record<string, unknown>, message: string): DecisionOutcome {
    return {
      ...decision,
      outcome: followed.status === "denied" ? "deny" : "approval_required",
      message,
      accessRequest: { id: followed.id, status: followed.status, status_endpoint: followed.statusEndpoint, ...(followed.review ? { review: followed.review } : {}), expires_at: new Date(followed.expiresAt).toISOString(), ...bound },
    };
  }

  /**
   * One submission per binding hash at a time; the console's answer when it offers no access request.
   * The submission carries `held_until`, this call's hold deadline, so approvers see until when the
   * call waits. Calls that join a submission in flight, or follow the request later, do not move it:
   * the console keeps the first deadline (it never shows a call waiting when none does; approving
   * after it still lets a later identical call through).
   */
  private async open(key: string, request: AuthzenRequest, decision: DecisionOutcome, deadline: number, signal: AbortSignal): Promise<Followed | ConsoleAnswer> {
    const running = this.opening.get(key);
    if (running) return abortable(running, signal);
    // The submission itself runs to its end even if this caller cancels (others may share it, and a
    // request the console created must be known to be withdrawn); only this caller's wait is cut short.
    const opening = (async () => {
      const answer = await this.consult(request);
      const accessRequest = answer.context.access_request as AccessRequestContext | undefined;
      if (answer.decision || typeof accessRequest?.binding_token !== "string") return answer;
      // Under a second left (or no hold at all): the call is answered about now, so there is no wait to show
      // (and a deadline that passed on the way would be refused).
      const heldUntil = deadline - Date.now() >= 1_000 ? new Date(deadline).toISOString() : null;
      const response = await this.call("/access/v1/requests", {
        method: "POST",
        headers: { "idempotency-key": decision.decisionId },
        body: JSON.stringify({
          subject: request.subject,
          action: request.action,
          resource: request.resource,
          context: request.context,
          denial: { binding_token: accessRequest.binding_token, ...(accessRequest.expires_at ? { expires_at: accessRequest.expires_at } : {}) },
          justification: `MCP tools/call ${decision.resourceId} through gateway ${this.options.gatewayName}`,
          ...(heldUntil ? { held_until: heldUntil } : {}),
        }),
      });
      const handle = (await response.json().catch(() => null)) as TaskHandle | null;
      if (!response.ok || !handle?.task?.id) throw new ApprovalUnavailable(`the access request was not accepted (${response.status})`);
      const followed = followedOf(handle);
      this.remember(key, followed);
      return followed;
    })();
    this.opening.set(key, opening);
    void opening.then(
      () => this.opening.delete(key),
      () => this.opening.delete(key),
    );
    return abortable(opening, signal);
  }

  /** One long-poll of the task; the followed entry is updated in place for every call waiting on it. */
  private async poll(key: string, followed: Followed, waitSeconds: number, signal: AbortSignal): Promise<Followed> {
    const url = new URL(followed.statusEndpoint, this.options.consoleUrl);
    // The console's status endpoint is on its public origin; the gateway reaches it at consoleUrl.
    const local = new URL(`${url.pathname}?wait=${Math.max(0, waitSeconds)}`, this.options.consoleUrl);
    const response = await this.call(local.pathname + local.search, { method: "GET" }, (waitSeconds + 10) * 1000, signal);
    const handle = (await response.json().catch(() => null)) as TaskHandle | null;
    if (!response.ok || !handle?.task?.id) throw new ApprovalUnavailable(`the access request's status answered ${response.status}`);
    const next = followedOf(handle);
    if (this.followed.has(key)) this.followed.set(key, next);
    return next;
  }

  private remember(key: string, followed: Followed): void {
    if (this.followed.size >= MAX_FOLLOWED) this.followed.delete(this.followed.keys().next().value!);
    this.followed.set(key, followed);
  }

  private async call(path: string, init: RequestInit, timeoutMs = 10_000, signal: AbortSignal = this.abort.signal): Promise<Response> {
    try {
      return await fetch(new URL(path, this.options.consoleUrl), {
        ...init,
        headers: { authorization: `Bearer ${this.options.token}`, "content-type": "application/json", ...(init.headers as Record<string, string> | undefined) },
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (error) {
      throw new ApprovalUnavailable(this.abort.signal.aborted ? "the gateway is shutting down" : `the console is unreachable (${(error as Error).message})`);
    }
  }
}

/** Waits for `work`, or throws once `signal` aborts (the work itself carries on for others). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ApprovalUnavailable("cancelled"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ApprovalUnavailable("cancelled"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error as Error);
      },
    );
  });
}

function followedOf(handle: TaskHandle): Followed {
  return {
    id: handle.task.id,
    status: handle.task.status,
    statusEndpoint: handle.task.status_endpoint,
    review: handle.task.links?.review ?? null,
    expiresAt: Date.parse(handle.task.expires_at) || Date.now(),
    approval: handle.task.status === "approved" && handle.result?.approval ? handle.result.approval : null,
  };
}

/** The same request presenting the approval (the profile's context.approval). */
export function withApproval(request: AuthzenRequest, approval: Approval): AuthzenRequest {
  return { ...request, context: { ...request.context, approval: { id: approval.id } } };
}

function reasonsOf(answer: ConsoleAnswer, fallback: string[]): string[] {
  const reasons = answer.context.determining_policies;
  return Array.isArray(reasons) && reasons.every((item) => typeof item === "string") ? reasons : fallback;
}
