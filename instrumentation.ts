/** At server start (not at build): migrate the database and create the bootstrap admin. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { ensureStarted } = await import("./lib/startup");
    await ensureStarted();
  }
}
