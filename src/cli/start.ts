/**
 * The command line, run on import by the `retort` binary (`main.ts`): runs the command tree
 * on Node and exits 0 on success, 1 on a typed error (one line on stderr, passwords
 * masked), 2 on bad usage.
 */
// The subpaths, not the package index: the index also loads the cluster, RPC and HTTP
// client modules (their typings are a tenth of what the type-check parses).
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
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
