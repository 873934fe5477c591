import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { consoleUrl, fetchExplained } from "./steward-client";

/** A loopback port nothing listens on: bound, noted, closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("scripts reach the console where it runs, and say so when they cannot", () => {
  it("takes --url, else STEWARD_URL, else 127.0.0.1 on PORT (3000 without it)", () => {
    expect(consoleUrl({}, null)).toBe("http://127.0.0.1:3000");
    expect(consoleUrl({ PORT: "4123" }, null)).toBe("http://127.0.0.1:4123");
    expect(consoleUrl({ PORT: "4123", STEWARD_URL: "https://steward.example/" }, null)).toBe("https://steward.example");
    expect(consoleUrl({ PORT: "4123", STEWARD_URL: "https://steward.example" }, "http://127.0.0.1:9000/")).toBe("http://127.0.0.1:9000");
  });

  it("names the URL and the reason when nothing answers, instead of 'fetch failed'", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/v1/decisions`;
    await expect(fetchExplained(url, { method: "POST", body: "[]" })).rejects.toThrow(`POST ${url}: connection refused (ECONNREFUSED) — is the console running there?`);
  });
});
