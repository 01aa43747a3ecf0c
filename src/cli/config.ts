/**
 * The `retort` command's configuration: `retort.config.ts` (or `--config PATH`) loaded
 * with tsx (`src/internal/tsLoader.ts`), then `--url` and `DATABASE_URL` over its `url`; the metadata
 * module and the migrations folder resolved against the config file's folder. Called by
 * the commands in `src/cli/commands/`.
 */
import { Data, Effect, Option } from "effect"
import { existsSync } from "node:fs"
import { dirname, isAbsolute, resolve } from "node:path"
import { importFile } from "../internal/tsLoader.js"
import type * as MetaData from "../MetaData.js"

/**
 * A configuration the command cannot use: no URL, a config or metadata module that does
 * not load or does not export what it should.
 */
export class ConfigError extends Data.TaggedError("ConfigError")<{ readonly message: string }> {}

/** What `retort.config.ts` exports by default. */
export interface ConfigFile {
  readonly url?: string
  /** A module exporting a MetaData as `metadata` or as its default export, or the MetaData itself. */
  readonly metadata?: string | MetaData.MetaData
  /** The migrations folder (default `./migrations`). */
  readonly migrations?: string
  /** The module specifier migrations written by `retort revision` import retort from (default `"retort-orm"`). */
  readonly importFrom?: string
}

/** The options every command takes. */
export interface GlobalFlags {
  readonly url: Option.Option<string>
  readonly config: Option.Option<string>
}

/** The resolved configuration. */
export interface Config {
  readonly url: Option.Option<string>
  readonly metadata: Option.Option<string | MetaData.MetaData>
  readonly migrations: string
  readonly importFrom: string
  /** The folder relative paths are resolved against. */
  readonly root: string
}

const isMetaData = (value: unknown): value is MetaData.MetaData =>
  typeof value === "object" && value !== null && Array.isArray((value as MetaData.MetaData).tables) &&
  typeof (value as MetaData.MetaData).toMermaid === "function"

/**
 * The module's exports. A `.ts` file outside an ESM package loads as CommonJS, its
 * exports then sit under `default`: they are unwrapped so both kinds read the same.
 */
const exportsOf = (mod: Record<string, unknown>): Record<string, unknown> => {
  const inner = mod.default
  return typeof inner === "object" && inner !== null && "__esModule" in inner ? (inner as Record<string, unknown>) : mod
}

const importModule = (path: string, what: string) =>
  Effect.tryPromise({
    try: () =>
      importFile(path).then(exportsOf),
    catch: (e) => new ConfigError({ message: `${what} ${path} does not load: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` })
  })

/** Reads the configuration file (if any) and merges the flags and the environment over it. */
export const load = (flags: GlobalFlags): Effect.Effect<Config, ConfigError> =>
  Effect.gen(function*() {
    const explicit = Option.getOrUndefined(flags.config)
    const path = resolve(explicit ?? "retort.config.ts")
    let file: ConfigFile = {}
    if (existsSync(path)) {
      const mod = yield* importModule(path, "The configuration file")
      const value = (mod.default ?? mod) as unknown
      if (typeof value !== "object" || value === null) {
        return yield* new ConfigError({ message: `${path} must export an object by default ({ url, metadata, migrations })` })
      }
      file = value as ConfigFile
    } else if (explicit !== undefined) {
      return yield* new ConfigError({ message: `The configuration file ${path} does not exist` })
    }
    const root = dirname(path)
    const env = process.env.DATABASE_URL
    const url = Option.orElse(flags.url, () => Option.fromNullable(env !== undefined && env !== "" ? env : file.url))
    return {
      url,
      metadata: Option.fromNullable(file.metadata),
      migrations: resolve(root, file.migrations ?? "./migrations"),
      importFrom: file.importFrom ?? "retort-orm",
      root
    }
  })

/** The database URL, or a ConfigError saying where to put one. */
export const url = (config: Config): Effect.Effect<string, ConfigError> =>
  Option.match(config.url, {
    onNone: () => new ConfigError({ message: "No database URL: pass --url, set DATABASE_URL, or set url in retort.config.ts" }),
    onSome: Effect.succeed
  })

/** The models' MetaData, loaded from the configured module. */
export const metadata = (config: Config): Effect.Effect<MetaData.MetaData, ConfigError> =>
  Effect.gen(function*() {
    if (Option.isNone(config.metadata)) {
      return yield* new ConfigError({ message: `No models: set metadata in retort.config.ts to the module that exports your MetaData` })
    }
    const value = config.metadata.value
    if (typeof value !== "string") {
      if (isMetaData(value)) return value
      return yield* new ConfigError({ message: "metadata in retort.config.ts is neither a module path nor a MetaData" })
    }
    const path = isAbsolute(value) ? value : resolve(config.root, value)
    const mod = yield* importModule(path, "The metadata module")
    const found = [mod.metadata, mod.default].find(isMetaData)
    if (found === undefined) {
      return yield* new ConfigError({ message: `${path} exports no MetaData as "metadata" or as its default export` })
    }
    return found
  })
