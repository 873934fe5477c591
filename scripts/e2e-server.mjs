#!/usr/bin/env node
// Serves the built console for Playwright on a fresh, empty database: a new PGlite data folder,
// or (with DATABASE_URL) a new database on that server, dropped when the server stops.
// With --sso it also runs a real OpenID Connect provider (oauth2-mock-server: signed tokens, PKCE,
// nonce) on port+1 and points the console's single sign-on at it; that console always uses PGlite.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { nextStartArgs } from "./lib/next-start.mjs";

const sso = process.argv.includes("--sso");
const port = process.argv.find((arg) => arg.startsWith("--port="))?.slice("--port=".length) ?? process.env.E2E_PORT ?? "3100";
const dataDir = mkdtempSync(path.join(os.tmpdir(), "steward-e2e-"));
const env = { ...process.env, STEWARD_DATA_DIR: dataDir, PORT: port, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", AUTH_URL: `http://127.0.0.1:${port}` };
delete env.STEWARD_ADMIN_EMAIL;
delete env.STEWARD_ADMIN_PASSWORD;

let stopIdentityProvider = async () => {};
if (sso) {
  const { OAuth2Server } = await import("oauth2-mock-server");
  const idp = new OAuth2Server();
  await idp.issuer.keys.generate("RS256");
  const idpPort = Number(port) + 1;
  await idp.start(idpPort, "127.0.0.1");
  idp.issuer.url = `http://127.0.0.1:${idpPort}`;
  // The person who signs in at this identity provider, with the role claim Steward maps.
  idp.service.on("beforeTokenSigning", (token) => {
    Object.assign(token.payload, { sub: "sso-person-1", email: "sso.person@steward.test", name: "Sam Single-Sign-On", steward_role: ["staff", "security"] });
  });
  stopIdentityProvider = () => idp.stop();
  Object.assign(env, {
    STEWARD_OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
    STEWARD_OIDC_CLIENT_ID: "steward-e2e",
    STEWARD_OIDC_CLIENT_SECRET: "e2e-client-secret",
    STEWARD_OIDC_NAME: "Example IdP",
    STEWARD_ADMIN_EMAIL: "sso-admin@steward.test",
    STEWARD_ADMIN_PASSWORD: "sso-admin-password-1",
  });
  delete env.DATABASE_URL;
}

let dropDatabase = () => {};
if (env.DATABASE_URL) {
  const server = new URL(process.env.DATABASE_URL);
  const prefix = /^[a-z_][a-z0-9_]{0,40}$/.test(process.env.STEWARD_TEST_DB_PREFIX ?? "") ? process.env.STEWARD_TEST_DB_PREFIX : "steward_e2e";
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const psql = (sql) => spawnSync("psql", [server.toString(), "-v", "ON_ERROR_STOP=1", "-qc", sql], { stdio: "inherit" });
  if (psql(`create database ${name}`).status !== 0) process.exit(1);
  const url = new URL(server);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  dropDatabase = () => psql(`drop database if exists ${name} with (force)`);
}

const child = spawn("npx", ["next", ...nextStartArgs({ port, host: "127.0.0.1" })], { env, stdio: "inherit" });
const cleanUp = () => {
  dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", async (code) => {
  cleanUp();
  await stopIdentityProvider();
  process.exit(code ?? 0);
});
