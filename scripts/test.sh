#!/usr/bin/env bash
# `npm test`: everything, in the order that fails fastest. With DATABASE_URL set (a Postgres server
# the tests may create and drop databases on), the unit/integration suite runs a second time
# against it and e2e uses a fresh database there; without it, everything runs on embedded PGlite.
set -euo pipefail
cd "$(dirname "$0")/.."
# A self-hosted security product does not phone home.
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n=== %s ===\n' "$*"; }

step "typecheck"
npx tsc --noEmit -p .
step "lint"
npx eslint --max-warnings=0 .
step "unit and integration tests (PGlite)"
STEWARD_TEST_DB=pglite npx vitest run
if [ -n "${DATABASE_URL:-}" ]; then
  step "unit and integration tests (PostgreSQL server)"
  STEWARD_TEST_DB=postgres npx vitest run
fi
step "build"
npx next build
if [ -n "${DATABASE_URL:-}" ]; then
  step "kill and database-loss tests: ingest rides through SIGKILLed servers and an unreachable database (PostgreSQL server)"
  STEWARD_KILL_TEST=1 npx vitest run scripts/kill-test.test.ts scripts/database-loss.test.ts
  step "two consoles, one database, behind a reverse proxy: sessions, live feed, approvals and revocations across consoles; one SIGKILLed mid-ingest (PostgreSQL server)"
  STEWARD_FLEET_TEST=1 npx vitest run scripts/fleet.test.ts
fi
step "process lifecycle: one process per PGlite folder, graceful stop, start-up failures, disk full, the live feed following the session"
STEWARD_LIFECYCLE_TEST=1 npx vitest run scripts/lifecycle.test.ts
step "npm run demo -- --once against a fresh data folder"
STEWARD_DEMO_TEST=1 npx vitest run scripts/demo.test.ts
step "end-to-end tests (Chromium)"
npx playwright test
