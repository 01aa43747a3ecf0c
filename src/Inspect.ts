/**
 * Reflection: what a live database holds (tables, columns, keys, indexes, constraints and,
 * on PostgreSQL, enum types), in one database-independent shape. The same shape describes
 * models (`Inspect.fromMetaData`), so autogenerate (`Migrator.diff`) compares like with like,
 * and migration operations (`src/Migration.ts`) take it as a table definition.
 *
 * Callers: `src/Migrator.ts` (diff, SQLite table rebuilds), `src/cli/` (`retort inspect`),
 * users reading a database they did not create.
 *
 * @since 0.2.0
 */
import type { ReferentialAction } from "./Column.js"

/**
 * A column's SQL type, as reflected: the retort column type it maps back to. `json` carries
 * no Schema (the database does not know it); a type retort has no column for is `custom`
 * with the database's own spelling.
 *
 * @example
 * import type { Inspect } from "retort"
 * const t: Inspect.ColumnType = { _tag: "string", length: 50 }
 *
 * @since 0.2.0
 * @category models
 */
export type ColumnType =
  | { readonly _tag: "integer" }
  | { readonly _tag: "bigint" }
  | { readonly _tag: "float" }
  | { readonly _tag: "numeric"; readonly precision: number; readonly scale: number }
  | { readonly _tag: "string"; readonly length: number }
  | { readonly _tag: "text" }
  | { readonly _tag: "boolean" }
  | { readonly _tag: "date" }
  | { readonly _tag: "dateTime"; readonly timezone: boolean; readonly precision: number }
  | { readonly _tag: "time"; readonly precision: number }
  | { readonly _tag: "uuid" }
  | { readonly _tag: "json" }
  | { readonly _tag: "literal"; readonly values: ReadonlyArray<string>; readonly enumName: string | undefined }
  | { readonly _tag: "binary" }
  | { readonly _tag: "custom"; readonly sqlType: string }

/**
 * A column as the database holds it.
 *
 * @example
 * import type { Inspect } from "retort"
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
 * import type { Inspect } from "retort"
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
 * import type { Inspect } from "retort"
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
 * import type { Inspect } from "retort"
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
 * import type { Inspect } from "retort"
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
 * import type { Inspect } from "retort"
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
 * import type { Inspect } from "retort"
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
 * import type { Inspect } from "retort"
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
 * import type { Inspect } from "retort"
 * const empty: Inspect.Schema = { tables: [], enums: [] }
 *
 * @since 0.2.0
 * @category models
 */
export interface Schema {
  readonly tables: ReadonlyArray<Table>
  readonly enums: ReadonlyArray<Enum>
}
