/// <reference path="./.sst/platform/config.d.ts" />

// The backend is generated from the route table and the projection registry (`stacks/`).
// Data is retained and protected in `prod`; other stages are removed with `sst remove`.
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
    const { bookstore } = await import("./stacks/index.js");
    const { registries } = await import("./stacks/registries.js");
    return bookstore(registries);
  },
});
