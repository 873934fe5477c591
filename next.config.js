// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // WASM engines load their .wasm files from node_modules at run time; bundling breaks that. pg-boss
  // (and node-postgres under it) require optional native modules at run time: left to Node too.
  serverExternalPackages: ["@cedar-policy/cedar-wasm", "@electric-sql/pglite", "pg-boss", "pg"],
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a real 403 for pages a role may not open.
  experimental: { authInterrupts: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
