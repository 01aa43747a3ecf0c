#!/usr/bin/env node
/**
 * The `retort` binary (package.json `bin`, built to dist/cli/main.js): runs the command
 * tree on Node and exits 0 on success, 1 on a typed error (one line on stderr, passwords
 * masked), 2 on bad usage.
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { run } from "./app.js"
import { report } from "./output.js"

run(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    disablePrettyLogger: true,
    teardown: (exit, onExit) => onExit(report(exit))
  })
)
