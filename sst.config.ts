/// <reference path="./.sst/platform/config.d.ts" />

// Minimal until the infrastructure issue: the stacks are generated from the route table
// and the projection registry there. Data is retained and protected in `prod`.
export default $config({
  app(input) {
    return {
      name: "bookstore",
      removal: input?.stage === "prod" ? "retain" : "remove",
      protect: input?.stage === "prod",
      home: "aws",
    };
  },
  async run() {
    return {};
  },
});
