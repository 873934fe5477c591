import { describe, expect, it } from "vitest";
import { RegisterMcpServerForm, RegisterMcpServerInput } from "./schemas";

const refusedAt = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join("."), issue.message]));

describe("RegisterMcpServerInput", () => {
  it("names the missing field of the chosen transport, also when another field is refused", () => {
    expect(refusedAt(RegisterMcpServerInput.safeParse({ name: "crm", transport: "http" }))).toEqual({ url: "An http server needs a url" });
    expect(refusedAt(RegisterMcpServerInput.safeParse({ name: "crm", transport: "stdio" }))).toEqual({ command: "A stdio server needs a command" });
    expect(Object.keys(refusedAt(RegisterMcpServerInput.safeParse({ name: "Bad Name", transport: "http" })))).toEqual(["name", "url"]);
  });
});

describe("RegisterMcpServerForm (the browser's strings)", () => {
  it("an http server: blank owner and environment are not given, stdio fields left over are dropped", () => {
    const parsed = RegisterMcpServerForm.parse({ name: "crm", transport: "http", url: "https://crm.internal/mcp", command: "npx", args: "x", ownerId: "", environment: "", dataSensitivity: "confidential" });
    expect(parsed).toMatchObject({ name: "crm", transport: "http", url: "https://crm.internal/mcp", command: undefined, args: [], ownerId: null, environment: "", dataSensitivity: "confidential" });
  });

  it("a stdio server: one arg per line, trimmed, blank lines dropped; a url left over is dropped", () => {
    const parsed = RegisterMcpServerForm.parse({ name: "files", transport: "stdio", url: "https://left.over/mcp", command: "npx", args: "-y\r\n\n  @acme/files-mcp  \n/srv/data\n", ownerId: "per_1" });
    expect(parsed).toMatchObject({ transport: "stdio", url: undefined, command: "npx", args: ["-y", "@acme/files-mcp", "/srv/data"], ownerId: "per_1" });
  });

  it("a blank url or command is missing, said at its field", () => {
    expect(refusedAt(RegisterMcpServerForm.safeParse({ name: "crm", transport: "http", url: " " }))).toEqual({ url: "An http server needs a url" });
    expect(refusedAt(RegisterMcpServerForm.safeParse({ name: "files", transport: "stdio", command: "", args: "" }))).toEqual({ command: "A stdio server needs a command" });
  });
});
