/**
 * Regenerates lib/otlp/otlp-logs-descriptor.json from the vendored OpenTelemetry proto files
 * (lib/otlp/proto, opentelemetry-proto v1.11) with protobufjs, so the server decodes OTLP with the
 * official definitions and needs no .proto files at run time. Run: npx tsx scripts/gen-otlp-descriptor.ts
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import protobuf from "protobufjs";

const protoRoot = path.join(process.cwd(), "lib/otlp/proto");
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(protoRoot, target);
root.loadSync("opentelemetry/proto/collector/logs/v1/logs_service.proto", { keepCase: false });
// google.rpc.Status, which OTLP/HTTP answers failures with (google/rpc/status.proto, details omitted).
protobuf.parse("syntax = \"proto3\"; package google.rpc; message Status { int32 code = 1; string message = 2; }", root);
root.resolveAll();
writeFileSync(path.join(process.cwd(), "lib/otlp/otlp-logs-descriptor.json"), `${JSON.stringify(root.toJSON(), null, 1)}\n`);
console.log("wrote lib/otlp/otlp-logs-descriptor.json");
