/**
 * `retort erd`: the models' ER diagram in Mermaid syntax (`MetaData.toMermaid`), on
 * standard output. Called by `src/cli/app.ts`.
 */
import { Command } from "@effect/cli"
import { Console, Effect } from "effect"
import * as Config from "../config.js"
import { globalOptions } from "./shared.js"

/** `retort erd`. */
export const erd = Command.make("erd", globalOptions, (flags) =>
  Effect.gen(function*() {
    const config = yield* Config.load(flags)
    const metadata = yield* Config.metadata(config)
    yield* Console.log(metadata.toMermaid())
  })).pipe(Command.withDescription("Print the models' entity-relationship diagram (Mermaid erDiagram)"))
