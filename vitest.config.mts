import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    include: ["lib/**/*.test.ts", "components/**/*.test.ts", "components/**/*.test.tsx", "db/**/*.test.ts", "scripts/**/*.test.ts", "gateway/**/*.test.ts", "testing/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites share one database per run; keep them in one worker so PGlite's memory stays bounded.
    fileParallelism: false,
  },
});
