/**
 * What every `retort` subcommand shares: the `--url` and `--config` options, the loaded
 * configuration, and an Engine for the configured database. Called by the files of
 * `src/cli/commands/`.
 */
import { Options } from "@effect/cli"
import { Effect } from "effect"
import * as Engine from "../../Engine.js"
import * as Config from "../config.js"

/** `--url` and `--config`, accepted by every subcommand. */
export const globalOptions = {
  url: Options.text("url").pipe(
    Options.withDescription("The database URL (overrides DATABASE_URL and the url of retort.config.ts)"),
    Options.optional
  ),
  config: Options.file("config").pipe(
    Options.withDescription("The configuration file (default: retort.config.ts in the working directory)"),
    Options.optional
  )
}

/** Runs `f` with the configuration and an Engine for its URL. */
export const withEngine = <A, E, R>(
  flags: Config.GlobalFlags,
  f: (config: Config.Config) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const config = yield* Config.load(flags)
    const url = yield* Config.url(config)
    return yield* f(config).pipe(Effect.provide(Engine.layer(url)))
  })
