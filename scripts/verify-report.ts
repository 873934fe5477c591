/**
 * `npm run report:verify -- <report id> [--url http://127.0.0.1:3000]`: asks the console to verify a
 * stored report (GET /api/v1/reports/{id}/verify: its content hash against the stored hash and the
 * anchor kept outside the database, and the audit head anchored with it), prints each check, and
 * exits 0 only when the report verifies (1 when it does not, 2 on a usage or connection error).
 * Credentials: STEWARD_TOKEN, or STEWARD_ADMIN_EMAIL and STEWARD_ADMIN_PASSWORD.
 */
import { consoleUrl, StewardClient } from "./lib/steward-client";

type Verdict = { reportId: string; verified: boolean; sha256: string; checks: { check: string; ok: boolean; detail: string }[] };

async function main() {
  const args = process.argv.slice(2);
  const reportId = args.find((arg, index) => !arg.startsWith("--") && args[index - 1] !== "--url");
  if (!reportId) {
    console.error("usage: npm run report:verify -- <report id> [--url <console url>]");
    return 2;
  }
  const client = await StewardClient.connect(consoleUrl(), { token: process.env.STEWARD_TOKEN, email: process.env.STEWARD_ADMIN_EMAIL, password: process.env.STEWARD_ADMIN_PASSWORD });
  const { status, body } = await client.json<Verdict & { message?: string }>("GET", `/api/v1/reports/${encodeURIComponent(reportId)}/verify`);
  if (status !== 200) {
    console.error(`HTTP ${status}: ${body.message ?? JSON.stringify(body)}`);
    return 2;
  }
  for (const check of body.checks) console.log(`${check.ok ? "ok  " : "FAIL"} ${check.check}: ${check.detail}`);
  console.log(body.verified ? `Report ${body.reportId} verifies (SHA-256 ${body.sha256}).` : `Report ${body.reportId} does NOT verify.`);
  return body.verified ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(2);
  },
);
