import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./client";
import { FolderInUseError, folderHolder, lockFolder } from "./folder-lock";

const root = path.resolve(__dirname, "..");
const children: ChildProcessWithoutNullStreams[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "steward-lock-"));
  folders.push(folder);
  return folder;
}

/** Another process holding the folder through openDatabase, as a console would. */
async function holder(folder: string) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "testing/hold-pglite.ts"), folder], { cwd: root, env: { ...process.env, STEWARD_TEST_DB: "" } });
  children.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`holder exited: ${stderr}`);
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  const ready = await next();
  expect(ready).toMatchObject({ ready: true, pid: child.pid });
  return {
    child,
    write: async (text: string) => {
      child.stdin.write(`write ${text}\n`);
      return (await next()).rows as number;
    },
  };
}

describe("one process per PGlite data folder", () => {
  it("refuses a second opener naming the folder and the holder's PID, leaves the first working, and frees the folder when the holder is SIGKILLed", async () => {
    const folder = path.join(tempFolder(), "pglite");
    const first = await holder(folder);
    expect(await first.write("before")).toBe(1);

    const refused = await openDatabase({ pgliteDir: folder }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FolderInUseError);
    expect((refused as Error).message).toContain(folder);
    expect((refused as Error).message).toContain(`process ${first.child.pid}`);
    expect((await folderHolder(folder))?.pid).toBe(first.child.pid);

    // The refused open touched nothing: the holder still reads and writes its data.
    expect(await first.write("after the refusal")).toBe(2);

    // A crash (SIGKILL: no clean-up code runs) releases the lock; the next opener gets the data intact.
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    expect(await folderHolder(folder)).toBeUndefined();
    const reopened = await openDatabase({ pgliteDir: folder });
    try {
      const { rows } = await reopened.pglite!.query<{ v: string }>("select v from lock_probe order by v");
      expect(rows.map((row) => row.v)).toEqual(["after the refusal", "before"]);
    } finally {
      await reopened.close();
    }
    // Closed cleanly: free again.
    expect(await folderHolder(folder)).toBeUndefined();
  }, 240_000);

  it("recognises the same folder under another name (symlink, relative path with ..)", async () => {
    const base = tempFolder();
    const folder = path.join(base, "data");
    const held = await lockFolder(folder);
    try {
      symlinkSync(folder, path.join(base, "alias"));
      await expect(lockFolder(path.join(base, "alias"))).rejects.toThrow(FolderInUseError);
      const relative = path.relative(process.cwd(), path.join(base, "x", "..", "data"));
      await expect(lockFolder(relative)).rejects.toThrow(`in use by process ${process.pid}`);
    } finally {
      await held.release();
    }
    const again = await lockFolder(path.join(base, "alias"));
    await again.release();
  });

  it("lets only one of many simultaneous openers win", async () => {
    const folder = path.join(tempFolder(), "race");
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => lockFolder(folder)));
    const won = attempts.filter((attempt) => attempt.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const attempt of attempts) if (attempt.status === "rejected") expect(attempt.reason).toBeInstanceOf(FolderInUseError);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof lockFolder>>>).value.release();
  });
});
