/**
 * `retort migrate up|down|status`: runs the migrations of the configured folder with
 * `Migrator`, naming each migration as it runs with its time (the migrator's Info log
 * entries, printed as plain lines). Called by `src/cli/app.ts`.
 */
import { Command, HelpDoc, Options, ValidationError } from "@effect/cli"
import { Console, Effect, Layer, Logger, LogLevel, Option } from "effect"
import * as Migrator from "../../Migrator.js"
import { existsSync } from "node:fs"
import { ConfigError, type GlobalFlags } from "../config.js"
import { duration } from "../output.js"
import { globalOptions, withEngine } from "./shared.js"

/** Info entries as plain lines on stdout (progress); warnings and errors on stderr. */
const progress = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ logLevel, message }) => {
    const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
    if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) process.stderr.write(`${logLevel.label.toLowerCase()}: ${text}\n`)
    else if (LogLevel.greaterThanEqual(logLevel, LogLevel.Info)) process.stdout.write(`${text}\n`)
  })
)

const withMigrator = <A, E, R>(flags: GlobalFlags, effect: Effect.Effect<A, E, R>) =>
  withEngine(flags, (config) =>
    Effect.gen(function*() {
      if (!existsSync(config.migrations)) {
        return yield* new ConfigError({
          message: `The migrations folder ${config.migrations} does not exist: write a first migration with retort revision -m MESSAGE`
        })
      }
      return yield* effect.pipe(Effect.provide(Layer.merge(Migrator.layer(Migrator.fromFolder(config.migrations)), progress)))
    }))

const summary = (verb: string, ran: ReadonlyArray<Migrator.Ran>) =>
  Console.log(
    ran.length === 0
      ? `Nothing to ${verb}.`
      : `${ran.length} migration${ran.length === 1 ? "" : "s"} ${verb === "apply" ? "applied" : "reverted"} in ${duration(ran.reduce((s, r) => s + r.millis, 0))}.`
  )

const up = Command.make("up", {
  ...globalOptions,
  to: Options.text("to").pipe(Options.withDescription("Stop after this migration id"), Options.optional)
}, (flags) =>
  withMigrator(flags, Effect.flatMap(Migrator.up(Option.getOrUndefined(flags.to)), (ran) => summary("apply", ran)))).pipe(
    Command.withDescription("Apply the pending migrations (up to --to ID)")
  )

const down = Command.make("down", {
  ...globalOptions,
  steps: Options.integer("steps").pipe(Options.withDescription("How many applied migrations to revert (default 1)"), Options.optional),
  to: Options.text("to").pipe(Options.withDescription("Revert every migration after this id (it stays applied)"), Options.optional)
}, (flags) =>
  Effect.gen(function*() {
    if (Option.isSome(flags.steps) && Option.isSome(flags.to)) {
      yield* Console.error("error: give --steps or --to, not both")
      return yield* Effect.fail(ValidationError.invalidValue(HelpDoc.p("give --steps or --to, not both")))
    }
    const options = Option.isSome(flags.to) ? { to: flags.to.value } : { steps: Option.getOrElse(flags.steps, () => 1) }
    yield* withMigrator(flags, Effect.flatMap(Migrator.down(options), (ran) => summary("revert", ran)))
  })).pipe(Command.withDescription("Revert applied migrations, newest first (--steps N, default 1, or --to ID)"))

const status = Command.make("status", globalOptions, (flags) =>
  withMigrator(
    flags,
    Effect.gen(function*() {
      const entries = yield* Migrator.status
      if (entries.length === 0) return yield* Console.log("No migrations.")
      const width = Math.max(...entries.map((e) => e.id.length))
      for (const e of entries) {
        const state = e.state === "applied" ? `applied ${e.appliedAt ?? ""}${e.checksumMismatch ? "  EDITED SINCE APPLIED" : ""}` : e.state
        yield* Console.log(`${e.id.padEnd(width)}  ${state.padEnd(8)}  ${e.message}`)
      }
    })
  )).pipe(Command.withDescription("List the migrations: applied (when), pending, or missing from the folder"))

/** `retort migrate`. */
export const migrate = Command.make("migrate").pipe(
  Command.withDescription("Apply, revert or list migrations"),
  Command.withSubcommands([up, down, status])
)
