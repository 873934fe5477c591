import { loadConfig } from "./config";
// A missing required field reads "Required" in the edge PDP's 400s, as the console's AuthZEN route says it.
import "@/lib/http/zod-messages";
import { Gateway } from "./server";

/** `npm run gateway`: settings from STEWARD_GATEWAY_CONFIG (JSON file) and environment variables (gateway/config.ts). */
async function main(): Promise<void> {
  const gateway = new Gateway(loadConfig());
  await gateway.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info("draining", { signal });
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.logger.error("shutdown failed", { error: error as Error });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "gateway failed to start", error: (error as Error).message })}\n`);
  process.exit(1);
});
