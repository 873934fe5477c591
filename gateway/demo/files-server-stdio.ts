import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createFilesServer } from "./files-server";

/** The demo files server over stdio (spawned by the gateway as a stdio upstream). */
void createFilesServer().connect(new StdioServerTransport());
