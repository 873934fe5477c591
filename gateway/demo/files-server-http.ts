import { startFilesHttpServer } from "./files-server";

/** The demo files server over Streamable HTTP: `node --import tsx gateway/demo/files-server-http.ts <port>`. */
const port = Number(process.argv[2] ?? 3701);
void startFilesHttpServer(port).then((running) => process.stdout.write(`${JSON.stringify({ msg: "demo files server listening", url: running.url })}\n`));
