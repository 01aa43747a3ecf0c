import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = fileURLToPath(new URL("./src/", import.meta.url))

export default defineConfig({
  // The examples import the package by its published name; in the repository that is the
  // source, as tsconfig.json's `paths` say for tsc and tsx.
  resolve: {
    alias: [
      { find: /^retort-orm$/, replacement: `${src}index.ts` },
      { find: /^retort-orm\/(.+)$/, replacement: `${src}$1.ts` }
    ]
  },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    globalSetup: ["test/harness/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    // The streaming suite measures live heap: it collects garbage before each sample.
    poolOptions: { forks: { execArgv: ["--expose-gc"] } }
  }
})
