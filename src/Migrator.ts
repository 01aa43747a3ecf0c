/**
 * The migrator: applies and reverts migrations from a source (a folder of modules or a
 * record), keeps their history in `retort_migrations` (id, checksum, message, applied_at),
 * and refuses to run when an applied migration was edited.
 *
 * One migrator at a time: PostgreSQL takes a session-level advisory lock (`pg_advisory_lock`
 * on a fixed key, so one migrator per database), MariaDB `GET_LOCK('retort_migrations')`,
 * both on one connection held for the run; SQLite runs the whole run in one `BEGIN IMMEDIATE`
 * transaction. Waiting for another migrator is bounded (`lockTimeout`, 60 seconds by default).
 *
 * Transactions: on PostgreSQL each migration runs in its own transaction with its history
 * row, so a failing migration leaves the database at the previous one. On SQLite each
 * migration is a savepoint of the run's transaction: a failing one is rolled back, those
 * before it are committed. MariaDB commits every DDL statement on its own: a migration that
 * fails after some of its statements leaves those statements applied and no history row
 * for it (the database is between two revisions: undo them by hand, or write migrations of
 * one DDL statement each); the migrations before it stay applied.
 *
 * Callers: users' programs, `src/cli/`.
 *
 * @module
 * @since 0.2.0
 */
import { readdir, readFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Context, Duration, Effect, Either, Layer } from "effect"
import * as Engine from "./Engine.js"
import { type DatabaseError, MigrationError } from "./Errors.js"
import * as History from "./internal/migration/history.js"
import { importFile } from "./internal/tsLoader.js"
import { guarded, type RunContext } from "./internal/migration/guard.js"
import * as Migration from "./Migration.js"

/**
 * Where migrations come from: `load` reads them, sorted by id.
 *
 * @example
 * import { Migrator } from "retort-orm"
 * const source: Migrator.Migrations = Migrator.fromRecord([])
 *
 * @since 0.2.0
 * @category models
 */
export interface Migrations {
  readonly load: Effect.Effect<ReadonlyArray<Migration.Migration>, MigrationError>
}

const loadFailed = (message: string, migration?: string, cause?: unknown) =>
  new MigrationError({ message, reason: "LoadFailed", migration, cause })

const validId = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

/** Checks ids (well formed, unique) and sorts by id. */
const checked = (migrations: ReadonlyArray<Migration.Migration>): Either.Either<ReadonlyArray<Migration.Migration>, MigrationError> => {
  const seen = new Set<string>()
  for (const m of migrations) {
    if (!Migration.isMigration(m)) return Either.left(loadFailed("a migration source holds something that is not a Migration.make(…)"))
    if (!validId.test(m.id) || m.id.length > 191) {
      return Either.left(loadFailed(`migration id ${JSON.stringify(m.id)} must be 1 to 191 letters, digits, "_", "." or "-"`, m.id))
    }
    if (seen.has(m.id)) return Either.left(loadFailed(`two migrations have the id ${m.id}`, m.id))
    seen.add(m.id)
  }
  return Either.right([...migrations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
}

/**
 * Migrations from a record or an array (bundled apps, tests). Their checksums are computed
 * from the operations they run.
 *
 * @example
 * import { Migration, Migrator } from "retort-orm"
 * const m = Migration.make({ id: "0001", message: "drop", up: Migration.dropTable("a"), down: Migration.dropTable("b") })
 * const source = Migrator.fromRecord({ m })
 *
 * @since 0.2.0
 * @category sources
 */
export const fromRecord = (
  migrations: Readonly<Record<string, Migration.Migration>> | ReadonlyArray<Migration.Migration>
): Migrations => ({
  load: Effect.suspend(() => checked(Array.isArray(migrations) ? migrations : Object.values(migrations)))
})

/**
 * Migrations from a folder: every `*.ts` / `*.js` / `*.mts` / `*.mjs` module in it (not
 * `.d.ts`), loaded with `import()` (TypeScript through tsx, registered once), each exporting a
 * migration as `default` or `migration`. Their checksums are computed from their source.
 *
 * @example
 * import { Migrator } from "retort-orm"
 * const source = Migrator.fromFolder("./migrations")
 *
 * @since 0.2.0
 * @category sources
 */
export const fromFolder = (path: string): Migrations => ({
  load: Effect.gen(function*() {
    const folder = resolve(path)
    const names = yield* Effect.tryPromise({
      try: () => readdir(folder),
      catch: (cause) => loadFailed(`cannot read the migrations folder ${folder}: ${String(cause)}`, undefined, cause)
    })
    const files = names.filter((n) => /\.(ts|js|mts|mjs)$/.test(n) && !/\.d\.[mc]?ts$/.test(n)).sort()
    const loaded: Array<Migration.Migration> = []
    for (const name of files) {
      const file = join(folder, name)
      const source = yield* Effect.tryPromise({ try: () => readFile(file, "utf8"), catch: (cause) => loadFailed(`cannot read ${file}: ${String(cause)}`, undefined, cause) })
      const module = yield* Effect.tryPromise({
        try: async (): Promise<Record<string, unknown>> => {
          return await importFile(file)
        },
        catch: (cause) => loadFailed(`cannot load ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, undefined, cause)
      })
      // A .ts file outside an ESM package loads as CommonJS: its exports are under `default`.
      const inner = (module["default"] ?? {}) as Record<string, unknown>
      const found = [module["default"], module["migration"], inner["default"], inner["migration"]].find(Migration.isMigration)
      if (found === undefined) {
        return yield* loadFailed(`${file} does not export a migration (Migration.make(…)) as default or as "migration"`)
      }
      loaded.push({ ...found, source })
    }
    return yield* checked(loaded)
  })
})

/**
 * The migrations and options the migrator runs with, provided by {@link layer}.
 *
 * @example
 * import { Effect } from "effect"
 * import { Migrator } from "retort-orm"
 * const ids = Effect.flatMap(Migrator.Source, (s) => s.migrations.load)
 *
 * @since 0.2.0
 * @category tags
 */
export class Source extends Context.Tag("retort/Migrator/Source")<Source, {
  readonly migrations: Migrations
  readonly lockTimeoutMillis: number
}>() {}

/**
 * Provides the migrator's source. `lockTimeout`: how long to wait for another migrator (60 seconds).
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Migrator } from "retort-orm"
 * const program = Migrator.up().pipe(
 *   Effect.provide(Migrator.layer(Migrator.fromFolder("./migrations"))),
 *   Effect.provide(Engine.layer("sqlite://app.db"))
 * )
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (migrations: Migrations, options: { readonly lockTimeout?: Duration.DurationInput } = {}): Layer.Layer<Source> =>
  Layer.succeed(Source, { migrations, lockTimeoutMillis: Duration.toMillis(options.lockTimeout ?? "60 seconds") })

/**
 * A migration applied or reverted by a run, and how long it took.
 *
 * @example
 * import type { Migrator } from "retort-orm"
 * const line = (r: Migrator.Ran) => `${r.id} ${r.message} ${r.millis} ms`
 *
 * @since 0.2.0
 * @category models
 */
export interface Ran {
  readonly id: string
  readonly message: string
  readonly millis: number
}

/**
 * One migration's state: `applied` (with its time, and whether its checksum still matches),
 * `pending`, or `missing` (applied here, no longer in the source).
 *
 * @example
 * import type { Migrator } from "retort-orm"
 * const pending = (all: ReadonlyArray<Migrator.StatusEntry>) => all.filter((s) => s.state === "pending")
 *
 * @since 0.2.0
 * @category models
 */
export interface StatusEntry {
  readonly id: string
  readonly message: string
  readonly state: "applied" | "pending" | "missing"
  /** ISO-8601, UTC. */
  readonly appliedAt: string | undefined
  /** An applied migration whose source changed since: `up` and `down` refuse to run. */
  readonly checksumMismatch: boolean
}

const failed = (m: Migration.Migration, direction: "up" | "down") => (e: DatabaseError | MigrationError): MigrationError =>
  e._tag === "MigrationError"
    // Not `{ ...e }`: an error's message is not an own enumerable property.
    ? (e.migration === undefined ? new MigrationError({ message: e.message, reason: e.reason, migration: m.id, cause: e.cause }) : e)
    : new MigrationError({ message: `migration ${m.id} (${direction}) failed: ${e.message}`, reason: "Failed", migration: m.id, cause: e })

interface State {
  readonly engine: Engine.Engine
  readonly migrations: ReadonlyArray<Migration.Migration>
  readonly history: ReadonlyArray<History.Row>
}

/** Refuses to go on when an applied migration was edited. */
const verify = (state: State) =>
  Effect.forEach(state.history, (row) => {
    const m = state.migrations.find((x) => x.id === row.id)
    if (m === undefined) return Effect.void
    return Effect.flatMap(Migration.checksum(m), (sum) =>
      sum === row.checksum ? Effect.void : Effect.fail(
        new MigrationError({
          message: `migration ${m.id} was edited after it was applied (checksum ${sum.slice(0, 12)}… ≠ applied ${row.checksum.slice(0, 12)}…): revert it with the old source, or write a new migration`,
          reason: "ChecksumMismatch",
          migration: m.id
        })
      ))
  }, { discard: true })

/**
 * The common run: guarded, history read and verified, then `plan` picks the migrations and
 * each runs with `step` (in a transaction, or a savepoint of the run's on SQLite). On SQLite a
 * failure is held until the migrations before it are committed.
 */
const runWith = (
  direction: "up" | "down",
  plan: (state: State) => Effect.Effect<ReadonlyArray<Migration.Migration>, MigrationError>,
  step: (engine: Engine.Engine, m: Migration.Migration) => Effect.Effect<void, DatabaseError | MigrationError, Engine.Engine>
): Effect.Effect<ReadonlyArray<Ran>, MigrationError | DatabaseError, Engine.Engine | Source> =>
  Effect.gen(function*() {
    const engine = yield* Engine.Engine
    const source = yield* Source
    const migrations = yield* source.migrations.load
    const body = (context: RunContext) =>
      Effect.gen(function*() {
        yield* History.ensure(engine)
        const state: State = { engine, migrations, history: yield* History.read(engine) }
        yield* verify(state)
        const chosen = yield* plan(state)
        const done: Array<Ran> = []
        for (const m of chosen) {
          const started = Date.now()
          const one = Effect.gen(function*() {
            yield* step(engine, m)
            if (context.checkForeignKeys !== undefined) {
              const broken = yield* engine.execute(context.checkForeignKeys)
              if (broken.length > 0) {
                const first = broken[0]!
                return yield* new MigrationError({
                  message: `migration ${m.id} (${direction}) leaves ${broken.length} row(s) breaking foreign keys (first: table ${String(first["table"])}, rowid ${String(first["rowid"])}, references ${String(first["parent"])})`,
                  reason: "Failed",
                  migration: m.id
                })
              }
            }
          }).pipe(Effect.mapError(failed(m, direction)))
          const outcome = yield* Effect.either(engine.capabilities.transactionalDdl ? engine.transaction(one) : one)
          if (Either.isLeft(outcome)) return { done, failure: failed(m, direction)(outcome.left) }
          const ran: Ran = { id: m.id, message: m.message, millis: Date.now() - started }
          yield* Effect.logInfo(`migrate ${direction} ${m.id} ${m.message} (${ran.millis} ms)`)
          done.push(ran)
        }
        return { done, failure: undefined as MigrationError | undefined }
      })
    const result = yield* guarded(engine, source.lockTimeoutMillis, body)
    if (result.failure !== undefined) return yield* result.failure
    return result.done
  })

const unknownTarget = (id: string, why: string) => new MigrationError({ message: `no migration ${id}${why}`, reason: "UnknownTarget", migration: id })

/**
 * Applies the pending migrations in id order, up to and including `target` if given; returns
 * what it applied. Stops at the first failure (`MigrationError` "Failed", the database error
 * as its cause); refuses to start when an applied migration was edited ("ChecksumMismatch").
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Migrator } from "retort-orm"
 * const program = Migrator.up("20261201_1200_add_users").pipe(
 *   Effect.provide(Migrator.layer(Migrator.fromFolder("./migrations"))),
 *   Effect.provide(Engine.layer("sqlite://app.db"))
 * )
 *
 * @since 0.2.0
 * @category running
 */
export const up = (target?: string): Effect.Effect<ReadonlyArray<Ran>, MigrationError | DatabaseError, Engine.Engine | Source> =>
  runWith(
    "up",
    (state) => {
      if (target !== undefined && !state.migrations.some((m) => m.id === target)) return Effect.fail(unknownTarget(target, " in the source"))
      const applied = new Set(state.history.map((r) => r.id))
      return Effect.succeed(state.migrations.filter((m) => !applied.has(m.id) && (target === undefined || m.id <= target)))
    },
    (engine, m) =>
      Effect.gen(function*() {
        yield* m.up
        yield* History.insert(engine, { id: m.id, checksum: yield* Migration.checksum(m), message: m.message, appliedAt: new Date().toISOString() })
      })
  )

/**
 * Reverts applied migrations, newest first: the last `steps` of them, or all those after
 * `to` (which stays applied). Returns what it reverted.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Migrator } from "retort-orm"
 * const program = Migrator.down({ steps: 1 }).pipe(
 *   Effect.provide(Migrator.layer(Migrator.fromFolder("./migrations"))),
 *   Effect.provide(Engine.layer("sqlite://app.db"))
 * )
 *
 * @since 0.2.0
 * @category running
 */
export const down = (
  options: { readonly steps: number } | { readonly to: string }
): Effect.Effect<ReadonlyArray<Ran>, MigrationError | DatabaseError, Engine.Engine | Source> =>
  runWith(
    "down",
    (state) => {
      const applied = [...state.history].reverse()
      let chosen: ReadonlyArray<History.Row>
      if (typeof options === "object" && options !== null && "steps" in options) {
        if (!Number.isSafeInteger(options.steps) || options.steps < 0) {
          return Effect.fail(new MigrationError({ message: `down: steps must be a whole number ≥ 0; got ${String(options.steps)}`, reason: "UnknownTarget", migration: undefined }))
        }
        chosen = applied.slice(0, options.steps)
      } else if (typeof options === "object" && options !== null && typeof (options as { to?: unknown }).to === "string") {
        const to = (options as { to: string }).to
        if (!state.history.some((r) => r.id === to)) return Effect.fail(unknownTarget(to, " among the applied migrations"))
        chosen = applied.filter((r) => r.id > to)
      } else {
        return Effect.fail(new MigrationError({ message: "down takes { steps: n } or { to: id }", reason: "UnknownTarget", migration: undefined }))
      }
      return Effect.forEach(chosen, (row) => {
        const m = state.migrations.find((x) => x.id === row.id)
        return m !== undefined ? Effect.succeed(m) : Effect.fail(
          new MigrationError({ message: `migration ${row.id} is applied but not in the source: cannot revert it`, reason: "MissingSource", migration: row.id })
        )
      })
    },
    (engine, m) => Effect.zipRight(m.down, History.remove(engine, m.id))
  )

/**
 * Every migration of the source and of the history: applied (when, and whether it was edited
 * since), pending, or missing from the source. Takes no lock and writes nothing.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Migrator } from "retort-orm"
 * const program = Migrator.status.pipe(
 *   Effect.provide(Migrator.layer(Migrator.fromFolder("./migrations"))),
 *   Effect.provide(Engine.layer("sqlite://app.db"))
 * )
 *
 * @since 0.2.0
 * @category running
 */
export const status: Effect.Effect<ReadonlyArray<StatusEntry>, MigrationError | DatabaseError, Engine.Engine | Source> = Effect.gen(function*() {
  const engine = yield* Engine.Engine
  const source = yield* Source
  const migrations = yield* source.migrations.load
  const history = (yield* History.exists(engine)) ? yield* History.read(engine) : []
  const byId = new Map(history.map((r) => [r.id, r] as const))
  const entries: Array<StatusEntry> = []
  for (const m of migrations) {
    const row = byId.get(m.id)
    entries.push({
      id: m.id,
      message: m.message,
      state: row === undefined ? "pending" : "applied",
      appliedAt: row?.appliedAt,
      checksumMismatch: row === undefined ? false : (yield* Migration.checksum(m)) !== row.checksum
    })
  }
  for (const row of history) {
    if (!migrations.some((m) => m.id === row.id)) {
      entries.push({ id: row.id, message: row.message, state: "missing", appliedAt: row.appliedAt, checksumMismatch: false })
    }
  }
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
})

export {
  /** @since 0.2.0 */
  diff,
  /** @since 0.2.0 */
  diffSchemas,
  /** @since 0.2.0 */
  render,
  /** @since 0.2.0 */
  type RenderOptions
} from "./internal/migration/autogenerate.js"
