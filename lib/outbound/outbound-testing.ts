import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import type { AddressInfo } from "node:net";

/** Test helper: a real HTTP receiver on loopback that records what it was sent and answers as told. */
export type ReceivedRequest = { headers: IncomingMessage["headers"]; body: string; status: number };

export async function startReceiver(answer: (request: ReceivedRequest, index: number) => { status: number; body?: string; headers?: Record<string, string>; hang?: boolean } = () => ({ status: 204 })) {
  const received: ReceivedRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry: ReceivedRequest = { headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), status: 0 };
      const reply = answer(entry, received.length);
      entry.status = reply.status;
      received.push(entry);
      if (reply.hang) return;
      response.writeHead(reply.status, reply.headers ?? {});
      response.end(reply.body ?? "");
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    /** Requests the receiver acknowledged with a 2xx. */
    accepted: () => received.filter((entry) => entry.status >= 200 && entry.status < 300),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Test helper: a TCP syslog listener that splits octet-counted frames (RFC 6587). */
export async function startSyslogListener() {
  const frames: string[] = [];
  const server: TcpServer = createTcpServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) break;
        const length = Number(buffer.subarray(0, space).toString("ascii"));
        if (buffer.length < space + 1 + length) break;
        frames.push(buffer.subarray(space + 1, space + 1 + length).toString("utf8"));
        buffer = buffer.subarray(space + 1 + length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, frames, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
