import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../document";

describe("frameworks API description", () => {
  it("documents every frameworks, controls and reports operation with its permission", () => {
    const document = buildOpenApiDocument("http://localhost");
    const paths = document.paths as Record<string, Record<string, { "x-steward-permission"?: string }>>;
    expect(paths["/api/v1/reports/{id}/download"]?.get?.["x-steward-permission"]).toBe("reports.export");
    expect(paths["/api/v1/controls/mappings"]?.delete?.["x-steward-permission"]).toBe("frameworks.manage");
    expect(paths["/api/v1/frameworks/{id}/mapping-collection"]?.get?.["x-steward-permission"]).toBe("frameworks.read");
    expect(paths["/api/v1/reports/{id}/evidence/{controlId}"]?.get?.["x-steward-permission"]).toBe("reports.export");
    expect(paths["/api/v1/reports/{id}/verify"]?.get?.["x-steward-permission"]).toBe("reports.read");
    expect(Object.keys(paths).filter((path) => /^\/api\/v1\/(frameworks|controls|reports)/.test(path)).sort()).toEqual([
      "/api/v1/controls",
      "/api/v1/controls/mappings",
      "/api/v1/controls/{id}/evidence",
      "/api/v1/frameworks",
      "/api/v1/frameworks/{id}",
      "/api/v1/frameworks/{id}/alignment",
      "/api/v1/frameworks/{id}/crosswalk",
      "/api/v1/frameworks/{id}/mapping-collection",
      "/api/v1/reports",
      "/api/v1/reports/trend",
      "/api/v1/reports/{id}",
      "/api/v1/reports/{id}/download",
      "/api/v1/reports/{id}/evidence/{controlId}",
      "/api/v1/reports/{id}/verify",
    ]);
  });
});
