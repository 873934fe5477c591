import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const LIB_PLAIN_TS = { group: ["next", "next/*", "next-auth", "next-auth/*", "react", "@/app/*", "@/components/*"], message: "lib/ is plain TypeScript: no Next.js, React, app/ or components/ imports." };
const LIB_NO_QUERIES = {
  group: ["drizzle-orm", "drizzle-orm/*", "@/db/schema", "@/db/schema/*", "**/db/schema", "**/db/schema/*"],
  message: "lib/ builds no queries: put the query in a db/<area>.ts function (enum value lists: @/db/enums; row types: export them from the db/ module).",
};
const COMPONENTS_NO_DB = { group: ["@/db/*", "@/db"], message: "components/ is UI only: no database access." };
const COMPONENTS_LIB_TYPES_ONLY = { group: ["@/lib/*"], allowTypeImports: true, message: "components/ takes data as props: import only types from lib/." };

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", ".steward/**", "db/migrations/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [LIB_PLAIN_TS, LIB_NO_QUERIES] }],
      // The raw postgres.js client (LISTEN, bulk paths) is db/'s too: db/notify.ts, db/ingest.ts.
      "no-restricted-syntax": ["error", { selector: "MemberExpression[property.name=/^(sql|pglite)$/][object.name='handle']", message: "lib/ does not use the raw database client: call a db/ function (db/notify.ts for LISTEN/NOTIFY)." }],
    },
  },
  {
    // Tests may read what was stored (they check db/ and lib/ together); helpers and code may not.
    files: ["lib/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [LIB_PLAIN_TS] }],
      "no-restricted-syntax": "off",
    },
  },
  {
    // db/ is queries and schema: reached from lib/ and app/, never reaching up into the framework or the UI.
    files: ["db/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["next", "next/*", "next-auth", "next-auth/*", "react", "react/*", "react-dom", "@/app/*", "@/components/*"], message: "db/ holds queries and schema only: no Next.js, React, app/ or components/ imports." }] }],
    },
  },
  {
    // The gateway is its own process next to the agents: pure lib/ only, never the console's database or framework.
    // Its tests too: they read what the console stored through the console stand-in (scripts/lib/gateway-console-harness.ts).
    files: ["gateway/**/*.ts"],
    rules: {
      "no-restricted-syntax": ["error", { selector: "ImportExpression[source.value=/^(@\\/db|next|react)(\\/|$)/]", message: "gateway/ never imports the console's database or framework, not even dynamically." }],
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/db", "@/db/*", "next", "next/*", "next-auth", "next-auth/*", "react", "react/*", "react-dom", "@/app/*", "@/components/*"], message: "gateway/ imports only pure lib/ modules: it talks to the console over HTTP, never its database or framework." }] },
      ],
    },
  },
  {
    files: ["components/**/*.tsx", "components/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            COMPONENTS_NO_DB,
            COMPONENTS_LIB_TYPES_ONLY,
            // A react-query call names no response type of its own: it uses its area's api.ts (typed by lib/<area>/api-contract.ts).
            { group: ["@/components/api/request", "**/api/request"], importNames: ["apiRequest"], message: "Call your area's components/<area>/api.ts (policyApi, policyQueries…): its types come from lib/<area>/api-contract.ts." },
          ],
        },
      ],
    },
  },
  {
    // Each area's api.ts is where a path meets the response type its lib contract derives from the server.
    files: ["components/*/api.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [COMPONENTS_NO_DB, COMPONENTS_LIB_TYPES_ONLY] }],
    },
  },
];

export default config;
