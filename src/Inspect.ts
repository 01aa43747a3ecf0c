/**
 * Reflection: what a live database holds (tables, columns, keys, indexes, constraints and,
 * on PostgreSQL, enum types), in one database-independent shape. The same shape describes
 * models (`Inspect.fromMetaData`), so autogenerate (`Migrator.diff`) compares like with like,
 * and migration operations (`src/Migration.ts`) take it as a table definition.
 *
 * Callers: `src/Migrator.ts` (diff, SQLite table rebuilds), `src/cli/` (`retort inspect`),
 * users reading a database they did not create.
 *
 * @module
 * @since 0.2.0
 */
import { Effect } from "effect"
import type { ColumnType as ModelColumnType, ReferentialAction } from "./Column.js"
import { reflectors } from "./dialect/reflect/index.js"
import * as Engine from "./Engine.js"
import type { DatabaseError } from "./Errors.js"
import { fromTableDefs } from "./internal/inspect/fromMetaData.js"
import { finishSchema, type Reflector } from "./internal/inspect/shape.js"
import { toModels as render } from "./internal/inspect/toModels.js"
import type * as MetaData from "./MetaData.js"
import * as TableModule from "./Table.js"
import type { DialectName } from "./Url.js"

/**
 * A column's SQL type, as reflected: the retort column type it maps back to. `json` carries
 * no Schema (the database does not know it); a type retort has no column for is `custom`
 * with the database's own spelling.
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const t: Inspect.ColumnType = { _tag: "string", length: 50 }
 *
 * @since 0.2.0
 * @category models
 */
export type ColumnType =
  | Exclude<ModelColumnType, { readonly _tag: "json" | "custom" }>
  | { readonly _tag: "json" }
  | { readonly _tag: "custom"; readonly sqlType: string }

/**
 * A column as the database holds it.
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const c: Inspect.Column = { name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: true }
 *
 * @since 0.2.0
 * @category models
 */
export interface Column {
  readonly name: string
  readonly type: ColumnType
  readonly nullable: boolean
  /** The server default as SQL text, normalized per dialect so that equal defaults compare equal. */
  readonly default: string | undefined
  /** SERIAL / IDENTITY / AUTO_INCREMENT / SQLite's INTEGER PRIMARY KEY AUTOINCREMENT. */
  readonly autoIncrement: boolean
}

/**
 * A primary key.
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const pk: Inspect.PrimaryKey = { name: undefined, columns: ["id"] }
 *
 * @since 0.2.0
 * @category models
 */
export interface PrimaryKey {
  readonly name: string | undefined
  readonly columns: ReadonlyArray<string>
}

/**
 * A foreign key: `columns` of this table point at `referencedColumns` of `referencedTable`.
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const fk: Inspect.ForeignKey = {
 *   name: "posts_author_id_fkey", columns: ["author_id"], referencedTable: "users",
 *   referencedColumns: ["id"], onDelete: "cascade", onUpdate: "noAction"
 * }
 *
 * @since 0.2.0
 * @category models
 */
export interface ForeignKey {
  readonly name: string | undefined
  readonly columns: ReadonlyArray<string>
  readonly referencedTable: string
  readonly referencedColumns: ReadonlyArray<string>
  readonly onDelete: ReferentialAction
  readonly onUpdate: ReferentialAction
}

/**
 * An index that is not a constraint (a unique constraint is in `uniques`).
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const ix: Inspect.Index = { name: "users_email_idx", columns: ["email"], unique: false }
 *
 * @since 0.2.0
 * @category models
 */
export interface Index {
  readonly name: string
  readonly columns: ReadonlyArray<string>
  readonly unique: boolean
}

/**
 * A unique constraint.
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const u: Inspect.Unique = { name: "users_email_key", columns: ["email"] }
 *
 * @since 0.2.0
 * @category models
 */
export interface Unique {
  readonly name: string | undefined
  readonly columns: ReadonlyArray<string>
}

/**
 * A CHECK constraint, its expression as SQL text normalized per dialect.
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const c: Inspect.Check = { name: "users_age_check", sql: "age >= 0" }
 *
 * @since 0.2.0
 * @category models
 */
export interface Check {
  readonly name: string | undefined
  readonly sql: string
}

/**
 * A table as the database holds it.
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const t: Inspect.Table = {
 *   name: "tags", columns: [{ name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: true }],
 *   primaryKey: { name: undefined, columns: ["id"] }, foreignKeys: [], indexes: [], uniques: [], checks: []
 * }
 *
 * @since 0.2.0
 * @category models
 */
export interface Table {
  readonly name: string
  readonly columns: ReadonlyArray<Column>
  readonly primaryKey: PrimaryKey | undefined
  readonly foreignKeys: ReadonlyArray<ForeignKey>
  readonly indexes: ReadonlyArray<Index>
  readonly uniques: ReadonlyArray<Unique>
  readonly checks: ReadonlyArray<Check>
}

/**
 * A PostgreSQL enum type and its values in order.
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const e: Inspect.Enum = { name: "post_status", values: ["draft", "published"] }
 *
 * @since 0.2.0
 * @category models
 */
export interface Enum {
  readonly name: string
  readonly values: ReadonlyArray<string>
}

/**
 * What a database holds: its tables (sorted by name) and enum types (PostgreSQL).
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const empty: Inspect.Schema = { tables: [], enums: [] }
 *
 * @since 0.2.0
 * @category models
 */
export interface Schema {
  readonly tables: ReadonlyArray<Table>
  readonly enums: ReadonlyArray<Enum>
}

const reflectorOf = (dialect: DialectName): Reflector => reflectors[dialect]

/**
 * Options of {@link tablesWith}: `exclude` names tables to leave out (the migrator's own
 * history table, for one).
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const options: Inspect.TablesOptions = { exclude: ["retort_migrations"] }
 *
 * @since 0.2.0
 * @category models
 */
export interface TablesOptions {
  readonly exclude?: ReadonlyArray<string>
}

/**
 * Reads the live database the engine points at, like {@link tables}, leaving out the tables
 * named in `exclude`.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Inspect } from "retort-orm"
 * const program = Inspect.tablesWith({ exclude: ["retort_migrations"] }).pipe(
 *   Effect.provide(Engine.layer("sqlite://"))
 * )
 *
 * @since 0.2.0
 * @category reflection
 */
export const tablesWith = (options: TablesOptions): Effect.Effect<Schema, DatabaseError, Engine.Engine> =>
  Effect.gen(function*() {
    const engine = yield* Engine.Engine
    const reflector = reflectorOf(engine.dialect.name)
    const schema = yield* reflector.read(engine, new Set(options.exclude ?? []))
    return finishSchema(schema, reflector)
  })

/**
 * Reads the live database the engine points at: its current schema (PostgreSQL's
 * `current_schema()`), its current database (MariaDB's `DATABASE()`) or SQLite's main
 * database. Tables come sorted by name, columns in table order, keys, indexes, uniques and
 * checks sorted by name, so that two reflections compare with deep equality; see
 * {@link fromMetaData} for what each database can and cannot tell back.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Inspect } from "retort-orm"
 * const program = Effect.gen(function*() {
 *   const schema = yield* Inspect.tables
 *   return schema.tables.map((t) => t.name)
 * }).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.2.0
 * @category reflection
 */
export const tables: Effect.Effect<Schema, DatabaseError, Engine.Engine> = tablesWith({})

/**
 * The models of a `MetaData` in exactly the shape {@link tables} returns after
 * `metadata.createAll` on that dialect: the constraint and index names retort's DDL gives
 * them, defaults and checks normalized as reflection normalizes them, and the types a
 * database folds folded the same way. Where a database cannot tell two retort types apart,
 * both sides say the canonical one:
 * - SQLite: `json` is `text`, `numeric` wider than 15 digits is `text`, `dateTime` has no
 *   time zone, `bigint` autoincrement is `integer`; a single INTEGER primary key is the
 *   rowid and so autoincrement.
 * - MariaDB: `dateTime` has no time zone; a unique index and a unique constraint are the
 *   same thing and both are reported in `uniques`; the primary key has no name.
 * - SQLite and MariaDB: a literal column is a VARCHAR with a CHECK (`column IN (…)`), read
 *   back as `literal` with `enumName: undefined`.
 * - PostgreSQL: literal columns carry the enum type's name, listed in `enums`.
 * A DEFAULT NULL is no default. Throws `DefinitionError` for an invalid set of tables, as
 * `MetaData.ddl` does. Pure: no database.
 *
 * @example
 * import { Column, Inspect, MetaData, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * const schema = Inspect.fromMetaData(MetaData.make(Tag), "sqlite")
 * schema.tables[0]?.primaryKey // { name: "tags_pkey", columns: ["id"] }
 *
 * @since 0.2.0
 * @category reflection
 */
export const fromMetaData = (metadata: MetaData.MetaData, dialect: DialectName): Schema =>
  fromTableDefs(metadata.tables.map(TableModule.definition), dialect)

/**
 * A server default's SQL text in the canonical spelling of a dialect (what reflection and
 * {@link fromMetaData} report): `undefined` for none or DEFAULT NULL.
 *
 * @example
 * import { Inspect } from "retort-orm"
 * Inspect.normalizeDefault("postgresql", "'x'::character varying") // "'x'"
 *
 * @since 0.2.0
 * @category normalization
 */
export const normalizeDefault = (dialect: DialectName, sql: string): string | undefined => reflectorOf(dialect).normalizeDefault(sql)

/**
 * A CHECK expression's SQL text in the canonical spelling of a dialect.
 *
 * @example
 * import { Inspect } from "retort-orm"
 * Inspect.normalizeCheck("mysql", "`pages` > 0") // "pages > 0"
 *
 * @since 0.2.0
 * @category normalization
 */
export const normalizeCheck = (dialect: DialectName, sql: string): string => reflectorOf(dialect).normalizeCheck(sql)

/**
 * Options of {@link toModels}: `importFrom` is the module the generated code imports
 * `Column`, `Expr`, `MetaData` and `Table` from (`"retort-orm"` unless told).
 *
 * @example
 * import type { Inspect } from "retort-orm"
 * const options: Inspect.ToModelsOptions = { importFrom: "../src/index.js" }
 *
 * @since 0.2.0
 * @category models
 */
export interface ToModelsOptions {
  readonly importFrom?: string
}

/**
 * TypeScript source of `Table.Class` models for a reflected schema, one class per table
 * (a PascalCase, singular-ish name from the table name), camelCase fields with `name:`
 * where the column name differs, `references` / `onDelete` / `onUpdate` for single-column
 * foreign keys, uniques, indexes and checks in the table options (with their names when
 * retort's DDL would name them otherwise), server defaults as `Expr.raw(…)`, literal
 * columns with `.with({ enumName })` where needed, and a `metadata` export
 * (`MetaData.make(…)`) at the end. `json` and `custom` columns get `Schema.Unknown` /
 * `Schema.String`: refine them by hand.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Inspect } from "retort-orm"
 * const source = Inspect.tables.pipe(Effect.map((schema) => Inspect.toModels(schema)), Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.2.0
 * @category reflection
 */
export const toModels = (schema: Schema, options?: ToModelsOptions): string => render(schema, options?.importFrom ?? "retort-orm")
