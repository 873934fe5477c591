import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Every .tsx file under the console's components/ and app/, with its source. */
function tsxSources(dir: string): { file: string; source: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsxSources(full);
    return name.endsWith(".tsx") ? [{ file: path.relative(process.cwd(), full), source: readFileSync(full, "utf8") }] : [];
  });
}

describe("secrets shown once", () => {
  it("every notice of a secret shown once offers a Copy button beside it", () => {
    const shown = ["components", "app"].flatMap((dir) => tsxSources(path.join(process.cwd(), dir))).filter(({ source }) => source.includes("<ShownOnce"));
    expect(shown.length).toBeGreaterThanOrEqual(5);
    expect(shown.filter(({ source }) => !/<CopyButton text=\{[^}]+\} label="Copy [a-z ]+"/.test(source)).map(({ file }) => file)).toEqual([]);
  });
});
