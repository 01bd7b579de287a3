// The one-way import rule of DESIGN.md ("Layout and the one-way rule"), enforced per folder.
import tseslint from "typescript-eslint";

const layer = (name) => `(\\.\\./)+${name}(/|$)`;
const forbid = (folders, why) =>
  folders.map((f) => ({ regex: `^${layer(f)}`, message: `${why} (DESIGN.md, one-way rule)` }));
const io = [
  { regex: "^@aws-sdk/", message: "events/ and domain/ are pure: no SDK" },
  { regex: "^(node:)?(fs|http|https|net|child_process|crypto|fs/promises|os|dgram)$", message: "events/ and domain/ are pure: no I/O" },
  { regex: "^(ioredis|@opensearch-project/.*|sst|ulid)$", message: "events/ and domain/ are pure: no clients, no id generators" },
];
const restrict = (files, patterns) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } });

export default tseslint.config(
  { ignores: ["node_modules/**", ".sst/**", ".data/**", "coverage/**", "sst-env.d.ts"] },
  ...tseslint.configs.recommended,
  // SST's platform types come in by a triple-slash reference, as SST generates them.
  { files: ["sst.config.ts", "stacks/**"], rules: { "@typescript-eslint/triple-slash-reference": "off" } },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  restrict(["events/**"], [...io, ...forbid(["domain", "store", "projections", "handlers", "stacks", "local", "cli", "tests", "bench"], "events/ imports only io-ts and fp-ts")]),
  restrict(["domain/**"], [...io, ...forbid(["store", "projections", "handlers", "stacks", "local", "cli", "tests", "bench"], "domain/ imports only events/")]),
  restrict(["store/**"], forbid(["domain", "projections", "handlers", "stacks", "local", "cli", "tests", "bench"], "store/ imports only events/ and the AWS SDK")),
  restrict(["projections/**"], forbid(["domain", "handlers", "stacks", "local", "cli", "tests", "bench"], "projections/ never imports domain/ or anything below it")),
  restrict(["handlers/**"], forbid(["stacks", "local", "cli", "tests", "bench"], "handlers/ imports only the layers above it")),
  // Queries answer from read models: nothing of the command side or the event store (a query
  // that loaded aggregates would read the partitions checkouts write). Given after handlers/**,
  // this list replaces that one for these files, so it repeats it.
  restrict(["handlers/http/queries/**"], [
    ...forbid(["stacks", "local", "cli", "tests", "bench", "store", "domain"], "queries/ read read models only"),
    { regex: "^(\\.\\./)+commands(/|$)", message: "queries/ never import the command side: they read read models only (DESIGN.md)" },
  ]),
  restrict(["stacks/**"], [
    ...forbid(["domain", "local", "cli", "tests", "bench"], "stacks/ imports only the handler and projection registries"),
    // The one exception: the table definitions, shared with the local runtime and the tests.
    { regex: `^${layer("store")}(?!tables\\.js$)`, message: "stacks/ takes only the table definitions from store/ (DESIGN.md, one-way rule)" },
  ]),
  restrict(["cli/**"], forbid(["tests", "bench"], "cli/ does not import tests")),
);
