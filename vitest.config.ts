import { defineConfig } from "vitest/config"

export default defineConfig({
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
