/**
 * Autogenerate's public surface, re-exported by `src/Migrator.ts`: `diff` reflects the live
 * database (leaving out the migrations' history table) and compares it with the models
 * through the pure `diffSchemas`; `render` writes the result as a migration module. Called
 * by `src/Migrator.ts` and `retort revision --autogenerate`.
 */
import { Effect } from "effect"
import * as Dialect from "../../Dialect.js"
import * as Engine from "../../Engine.js"
import type { DatabaseError } from "../../Errors.js"
import * as Inspect from "../../Inspect.js"
import type * as MetaData from "../../MetaData.js"
import { diffSchemas as compare } from "./diff.js"
import type { Operation } from "./operations.js"
import { render as write, type RenderOptions } from "./render.js"

export type { RenderOptions }

/** The history table `Migrator` keeps, which is not part of the models. */
export const historyTable = "retort_migrations"

/**
 * The operations that turn schema `from` (usually reflected) into schema `to` (usually
 * `Inspect.fromMetaData` of the models) on a dialect, without a database: renames (only
 * for a unique same-shape candidate, with a note), enum types, foreign keys, indexes,
 * uniques and checks dropped, tables dropped and created in foreign-key order, columns
 * added, altered and dropped, constraints and foreign keys added, enum types dropped.
 * Each operation carries `previous` for {@link render}'s `down`, and a `note` where a
 * reviewer should look (guessed renames, drop + add pairs, NOT NULL without a default,
 * a table rebuilt because its primary key changed).
 *
 * @example
 * import { Migrator } from "retort-orm"
 * const ops = Migrator.diffSchemas({ tables: [], enums: [] }, { tables: [], enums: [{ name: "mood", values: ["ok"] }] }, "postgresql")
 * // [{ _tag: "CreateEnum", enum: { name: "mood", values: ["ok"] } }]
 *
 * @since 0.2.0
 * @category autogenerate
 */
export const diffSchemas = (
  from: Inspect.Schema,
  to: Inspect.Schema,
  dialect: Dialect.Dialect | Dialect.DialectName
): ReadonlyArray<Operation> =>
  compare(from, to, { nativeEnum: (typeof dialect === "string" ? Dialect.byName(dialect) : dialect).capabilities.nativeEnum })

/**
 * Autogenerate: the operations that bring the database in context to the models of
 * `metadata` (the history table `retort_migrations` is left out). Empty when they match.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Engine, MetaData, Migrator, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * const ops = Migrator.diff(MetaData.make(Tag)).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.2.0
 * @category autogenerate
 */
export const diff = (metadata: MetaData.MetaData): Effect.Effect<ReadonlyArray<Operation>, DatabaseError, Engine.Engine> =>
  Effect.gen(function*() {
    const engine = yield* Engine.Engine
    const current = yield* Inspect.tablesWith({ exclude: [historyTable] })
    return diffSchemas(current, Inspect.fromMetaData(metadata, engine.dialect.name), engine.dialect)
  })

/**
 * A migration module (TypeScript source) for `operations`: `up` runs them in order, `down`
 * their inverses in reverse order, built from each operation's `previous`; notes become
 * comments. Where an inverse cannot be known (raw SQL, an enum value added on PostgreSQL,
 * a drop without `previous`), `down` starts by failing with `MigrationError` "Irreversible"
 * (a comment says why), so it never half-undoes a migration; edit it by hand if you can.
 * `importFrom` is the module specifier of retort in the file (default `"retort-orm"`).
 *
 * @example
 * import { Migrator } from "retort-orm"
 * const source = Migrator.render([{ _tag: "RenameTable", from: "people", to: "users" }], {
 *   id: "20261201120000_rename_people", message: "rename people"
 * })
 *
 * @since 0.2.0
 * @category autogenerate
 */
export const render = (operations: ReadonlyArray<Operation>, options: RenderOptions): string => write(operations, options)
