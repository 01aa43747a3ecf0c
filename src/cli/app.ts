/**
 * The `retort` command tree (`@effect/cli`): `migrate up|down|status`, `revision`,
 * `inspect`, `erd`, each with `--help`. Called by `src/cli/start.ts`; tests run the built
 * binary.
 */
import { Command } from "@effect/cli"
import { erd } from "./commands/erd.js"
import { inspect } from "./commands/inspect.js"
import { migrate } from "./commands/migrate.js"
import { revision } from "./commands/revision.js"

/** The root command. */
export const retort = Command.make("retort").pipe(
  Command.withDescription("Migrations, reflection and diagrams for retort models"),
  Command.withSubcommands([migrate, revision, inspect, erd])
)

/** Parses `argv` (as `process.argv`) and runs the command it names. */
export const run = Command.run(retort, { name: "retort", version: "0.2.0" })
