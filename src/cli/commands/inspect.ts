/**
 * `retort inspect [--models]`: the live database's schema, as a readable list of tables
 * or, with `--models`, as TypeScript source of `Table.Class` models (`Inspect.toModels`).
 * The migrations' history table is left out. Called by `src/cli/app.ts`.
 */
import { Command, Options } from "@effect/cli"
import { Console, Effect } from "effect"
import * as Inspect from "../../Inspect.js"
import { historyTable } from "../../internal/migration/autogenerate.js"
import { schemaText } from "../format.js"
import { globalOptions, withEngine } from "./shared.js"

/** `retort inspect`. */
export const inspect = Command.make("inspect", {
  ...globalOptions,
  models: Options.boolean("models").pipe(Options.withDescription("Print TypeScript models (Table.Class) instead of a table list"))
}, (flags) =>
  withEngine(flags, (config) =>
    Effect.gen(function*() {
      const schema = yield* Inspect.tablesWith({ exclude: [historyTable] })
      yield* Console.log(flags.models ? Inspect.toModels(schema, { importFrom: config.importFrom }) : schemaText(schema))
    }))).pipe(Command.withDescription("Print the live database's tables, keys and constraints (or models with --models)"))
