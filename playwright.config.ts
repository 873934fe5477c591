import { randomBytes } from "node:crypto";
import { defineConfig } from "@playwright/test";

// /setup needs the one-time code the server prints; the servers below and the first-run spec share this one.
process.env.STEWARD_SETUP_CODE ??= `e2e-${randomBytes(12).toString("hex")}`;

const port = process.env.E2E_PORT ?? "3100";
/** A second console wired to a real OpenID Connect provider on ssoPort + 1. */
const ssoPort = String(Number(port) + 50);

/** One console for the specs, on a fresh database (scripts/e2e-server.mjs). */
function webServer(onPort: string, ...flags: string[]) {
  return {
    command: ["node scripts/e2e-server.mjs", ...flags, `--port=${onPort}`].join(" "),
    url: `http://127.0.0.1:${onPort}/api/health`,
    reuseExistingServer: false,
    // SIGTERM, not the default SIGKILL, so the server script drops its database and data folder.
    gracefulShutdown: { signal: "SIGTERM" as const, timeout: 10_000 },
    timeout: 180_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
  };
}

/** Drives Debian's chromium (Playwright cannot download browsers here); one worker, one fresh server. */
export default defineConfig({
  testDir: "e2e",
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    // The first-run spec must meet an empty database; everything else signs in as the admin it creates.
    { name: "first-run", testMatch: /first-run\.spec\.ts/ },
    { name: "console", testIgnore: /(first-run|sso)\.spec\.ts/, dependencies: ["first-run"] },
    { name: "sso", testMatch: /sso\.spec\.ts/, use: { baseURL: `http://127.0.0.1:${ssoPort}` } },
  ],
  webServer: [webServer(port), webServer(ssoPort, "--sso")],
});
