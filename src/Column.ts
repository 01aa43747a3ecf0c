/**
 * Columns: each is an Effect `Schema` of the TypeScript value (what a model field holds
 * and its constructor validates) carrying the column's SQL metadata. How a value crosses
 * to and from each database is the dialect's business (`src/dialect/*.ts`); see
 * {@link codec} for the per-dialect Schema.
 *
 * @module
 * @since 0.1.0
 */
import { type BigDecimal, type DateTime, ParseResult, Schema, type SchemaAST } from "effect"
import * as Dialect from "./Dialect.js"
import type { Expr } from "./Expr.js"
import type { Node } from "./internal/ast/nodes.js"
import { fromDriver, isSqlNull, toDriver, ValueError } from "./internal/values.js"
import type { TableDef } from "./internal/tableDef.js"
import type { DialectName } from "./Url.js"

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Column } from "retort-orm"
 * const id = Column.TypeId
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("retort/Column")

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Column } from "retort-orm"
 * const id = Column.TypeId
 *
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * What to do with children when a referenced parent row is deleted or its key updated.
 *
 * @example
 * import { Column } from "retort-orm"
 * const action: Column.ReferentialAction = "cascade"
 *
 * @since 0.1.0
 * @category models
 */
export type ReferentialAction = "cascade" | "restrict" | "setNull" | "setDefault" | "noAction"

/**
 * The SQL type of a column, independent of any database. Each dialect spells it.
 *
 * @example
 * import type { Column } from "retort-orm"
 * const t: Column.ColumnType = { _tag: "numeric", precision: 10, scale: 2 }
 *
 * @since 0.1.0
 * @category models
 */
export type ColumnType =
  | { readonly _tag: "integer" }
  | { readonly _tag: "bigint" }
  | { readonly _tag: "float" }
  | { readonly _tag: "numeric"; readonly precision: number; readonly scale: number }
  /** `length: undefined` is `Column.string()` without one: unbounded where the database allows it. */
  | { readonly _tag: "string"; readonly length: number | undefined }
  | { readonly _tag: "text" }
  | { readonly _tag: "boolean" }
  | { readonly _tag: "date" }
  | { readonly _tag: "dateTime"; readonly timezone: boolean; readonly precision: number }
  | { readonly _tag: "time"; readonly precision: number }
  | { readonly _tag: "uuid" }
  | { readonly _tag: "json"; readonly schema: Schema.Schema<any, any> }
  | { readonly _tag: "literal"; readonly values: ReadonlyArray<string>; readonly enumName: string | undefined }
  | { readonly _tag: "binary" }
  | {
    readonly _tag: "custom"
    readonly schema: Schema.Schema<any, any>
    readonly sqlType: string | Readonly<Partial<Record<DialectName, string>>>
  }

/**
 * A reference to a column of a table (or of an alias of it): what `User.c.id` is, and what
 * a foreign key points at. The query builder gives it its expression methods.
 *
 * @example
 * import type { Column } from "retort-orm"
 * const describe = (ref: Column.AnyRef) => `${ref.table.tableName}.${ref.name}`
 *
 * @since 0.1.0
 * @category models
 */
export interface Ref<Table = unknown, Key extends string = string, A = unknown> extends Expr<A> {
  readonly _tag: "ColumnRef"
  /** The table this reference belongs to (an alias of it has the same `tableName`). */
  readonly table: { readonly tableName: string; readonly alias: string | undefined; readonly def: TableDef }
  /** The model field name. */
  readonly key: Key
  /** The database column name. */
  readonly name: string
  readonly column: Definition
  /** Phantom: the model the column belongs to. */
  readonly "~model"?: Table
}

/**
 * Any column reference, for annotating a self-reference: `references: (): Column.AnyRef => Employee.c.id`.
 *
 * @example
 * import type { Column } from "retort-orm"
 * const refs: ReadonlyArray<Column.AnyRef> = []
 *
 * @since 0.1.0
 * @category models
 */
export type AnyRef = Ref<any, string, any>

/**
 * A column's SQL metadata, as written in its options.
 *
 * @example
 * import { Column } from "retort-orm"
 * Column.definition(Column.string({ length: 50, unique: true })).unique // true
 *
 * @since 0.1.0
 * @category models
 */
export interface Definition {
  readonly type: ColumnType
  readonly primaryKey: boolean
  readonly autoIncrement: boolean
  readonly nullable: boolean
  readonly unique: boolean
  readonly index: boolean
  /** A client-side default, evaluated for each insert that leaves the field out. */
  readonly default: (() => unknown) | undefined
  readonly serverDefault: Node | undefined
  readonly references: (() => AnyRef) | undefined
  readonly onDelete: ReferentialAction | undefined
  readonly onUpdate: ReferentialAction | undefined
  /** The database column name, when it differs from the field name. */
  readonly name: string | undefined
  readonly check: Node | undefined
  /** Left out of the model's JSON schemas (`json`, `jsonCreate`, `jsonUpdate`). */
  readonly sensitive: boolean
}

/**
 * Options every column accepts.
 *
 * @example
 * import { Column, Fn } from "retort-orm"
 * const createdAt = Column.dateTime({ serverDefault: Fn.now(), name: "created_at" })
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<A> {
  readonly primaryKey?: boolean
  readonly autoIncrement?: boolean
  readonly nullable?: boolean
  readonly unique?: boolean
  readonly index?: boolean
  readonly default?: A | (() => A)
  readonly serverDefault?: Expr<any>
  readonly references?: () => AnyRef
  readonly onDelete?: ReferentialAction
  readonly onUpdate?: ReferentialAction
  readonly name?: string
  readonly check?: Expr<any>
  /**
   * Never part of the model's JSON schemas (`Model.json`, `jsonCreate`, `jsonUpdate`): a
   * password hash, a token. The column is read and written as usual otherwise.
   */
  readonly sensitive?: boolean
}

/**
 * A column: a Schema of its TypeScript value, plus SQL metadata. `Optional` is `true`
 * when an insert may leave the field out (nullable, defaulted, or autoincremented).
 *
 * @example
 * import { Column, Schema } from "retort-orm"
 * const age = Column.integer({ nullable: true }) // Column<number | null, true>
 *
 * @since 0.1.0
 * @category models
 */
export interface Column<A, Optional extends boolean = boolean, Api extends ApiRole = ApiRole> extends Schema.Schema<A> {
  readonly [TypeId]: Definition
  /** Phantom: whether an insert may leave this field out. */
  readonly "~optional"?: Optional
  /** Phantom: the column's part in the model's JSON schemas. */
  readonly "~api"?: Api
}

/**
 * A column's part in its model's JSON schemas: `"sensitive"` (never in them), `"generated"`
 * (filled by the database: an autoincrement, or a server default without a client default;
 * in `json` only), `"key"` (a primary key the client gives: in `json` and `jsonCreate`),
 * `"plain"` (everywhere).
 *
 * @example
 * import type { Column } from "retort-orm"
 * const role: Column.ApiRole = "generated"
 *
 * @since 0.3.0
 * @category models
 */
export type ApiRole = "sensitive" | "generated" | "key" | "plain"


/**
 * Any column.
 *
 * @example
 * import type { Column } from "retort-orm"
 * const fields: Record<string, Column.Any> = {}
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Column<any, boolean>

/**
 * The field type of a column: `A`, or `A | null` when its options say `nullable: true`.
 *
 * @example
 * import type { Column } from "retort-orm"
 * type Age = Column.WithNull<number, { readonly nullable: true }> // number | null
 *
 * @since 0.3.0
 * @category type-level
 */
export type WithNull<A, O> = O extends { readonly nullable: true } ? A | null : A

/**
 * Whether an insert may leave the field out, per the column options: when nullable, with a
 * `default` or `serverDefault`, or autoincremented.
 *
 * @example
 * import type { Column } from "retort-orm"
 * type Optional = Column.OptionalBy<{ readonly default: 0 }> // true
 *
 * @since 0.3.0
 * @category type-level
 */
export type OptionalBy<O> = O extends { readonly nullable: true } ? true
  : O extends { readonly default: unknown } ? true
  : O extends { readonly serverDefault: unknown } ? true
  : O extends { readonly autoIncrement: true } ? true
  : false

/**
 * As {@link OptionalBy}, for `integer` and `bigint`: a primary key is autoincremented, so
 * optional, unless it says `autoIncrement: false`.
 *
 * @example
 * import type { Column } from "retort-orm"
 * type Optional = Column.OptionalInteger<{ readonly primaryKey: true }> // true
 *
 * @since 0.3.0
 * @category type-level
 */
export type OptionalInteger<O> = O extends { readonly primaryKey: true }
  ? O extends { readonly autoIncrement: false } ? OptionalBy<O> : true
  : OptionalBy<O>

/**
 * The {@link ApiRole} of a column given by the client: `"key"` for a primary key, else `"plain"`.
 *
 * @example
 * import type { Column } from "retort-orm"
 * type Role = Column.KeyOr<{ readonly primaryKey: true }> // "key"
 *
 * @since 0.3.0
 * @category type-level
 */
export type KeyOr<O> = O extends { readonly primaryKey: true } ? "key" : "plain"

/**
 * The {@link ApiRole} of a column, per its options.
 *
 * @example
 * import type { Column } from "retort-orm"
 * type Role = Column.ApiBy<{ readonly sensitive: true }> // "sensitive"
 *
 * @since 0.3.0
 * @category type-level
 */
export type ApiBy<O> = O extends { readonly sensitive: true } ? "sensitive"
  : O extends { readonly autoIncrement: true } ? "generated"
  : O extends { readonly default: unknown } ? KeyOr<O>
  : O extends { readonly serverDefault: unknown } ? "generated"
  : KeyOr<O>

/**
 * As {@link ApiBy}, for `integer` and `bigint`: a primary key is `"generated"` (autoincremented)
 * unless it says `autoIncrement: false`.
 *
 * @example
 * import type { Column } from "retort-orm"
 * type Role = Column.ApiInteger<{ readonly primaryKey: true }> // "generated"
 *
 * @since 0.3.0
 * @category type-level
 */
export type ApiInteger<O> = O extends { readonly primaryKey: true }
  ? O extends { readonly autoIncrement: false } | { readonly sensitive: true } ? ApiBy<O> : "generated"
  : ApiBy<O>

/**
 * The TypeScript type of a column.
 *
 * @example
 * import { Column } from "retort-orm"
 * type Age = Column.Type<ReturnType<typeof Column.integer<{ nullable: true }>>> // number | null
 *
 * @since 0.1.0
 * @category type-level
 */
export type Type<C> = C extends Schema.Schema<infer A, any, any> ? A : never

/**
 * True when an insert may leave the column out.
 *
 * @example
 * import type { Column } from "retort-orm"
 * type Yes = Column.IsOptional<Column.Column<number, true>> // true
 *
 * @since 0.1.0
 * @category type-level
 */
export type IsOptional<C> = C extends { readonly "~optional"?: infer O } ? O extends true ? true : false : false

/**
 * A column's metadata.
 *
 * @example
 * import { Column } from "retort-orm"
 * Column.definition(Column.integer({ primaryKey: true })).autoIncrement // true
 *
 * @since 0.1.0
 * @category getters
 */
export const definition = (column: Any): Definition => column[TypeId]

/**
 * Is this a retort column?
 *
 * @example
 * import { Column, Schema } from "retort-orm"
 * Column.isColumn(Column.text()) // true
 *
 * @since 0.1.0
 * @category guards
 */
export const isColumn = (u: unknown): u is Any =>
  typeof u === "object" && u !== null && TypeId in u || typeof u === "function" && TypeId in u

const make = <A>(
  type: ColumnType,
  schema: Schema.Schema<A>,
  options: Options<any> | undefined,
  integerKey = false
): Column<any, any, any> => {
  const o = options ?? {}
  const nullable = o.nullable === true
  const primaryKey = o.primaryKey === true
  const def: Definition = {
    type,
    primaryKey,
    autoIncrement: o.autoIncrement ?? (integerKey && primaryKey),
    nullable,
    unique: o.unique === true,
    index: o.index === true,
    default: o.default === undefined
      ? undefined
      : typeof o.default === "function"
      ? o.default as () => unknown
      : () => o.default,
    serverDefault: o.serverDefault?.node,
    references: o.references,
    onDelete: o.onDelete,
    onUpdate: o.onUpdate,
    name: o.name,
    check: o.check?.node,
    sensitive: o.sensitive === true
  }
  const base: Schema.Schema<any> = nullable ? Schema.NullOr(schema) : schema
  // A fresh Schema object per column: its AST is shared, its metadata is its own.
  const column = Schema.make<any, any, never>(base.ast) as unknown as Record<PropertyKey, unknown>
  column[TypeId] = def
  return column as unknown as Column<any, any, any>
}

/** Counts characters as the databases do (code points), not UTF-16 units. */
const maxChars = (length: number) =>
  Schema.filter<Schema.Schema<string>>((s) => s.length <= length || [...s].length <= length || `at most ${length} characters`)

/**
 * A time of day in its one canonical form: the databases drop trailing zeros of the
 * fraction (`12:00:00.50` reads back as `12:00:00.5`), so only the form that reads back
 * as written is accepted.
 */
const timeOfDay = Schema.String.pipe(
  Schema.filter((s) =>
    /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{0,5}[1-9])?$/.test(s) ||
    `a time of day HH:MM:SS[.ffffff], with at most 6 fraction digits and no trailing zero (12:00:00.5, not 12:00:00.50)`
  )
)

/**
 * `INTEGER`: a JavaScript integer. As a single primary key it is autoincremented and
 * optional on insert (`autoIncrement: false` to turn that off).
 *
 * @example
 * import { Column } from "retort-orm"
 * const id = Column.integer({ primaryKey: true })
 *
 * @since 0.1.0
 * @category constructors
 */
export const integer = <const O extends Options<number> = {}>(
  options?: O
): Column<WithNull<number, O>, OptionalInteger<O>, ApiInteger<O>> => make({ _tag: "integer" }, Schema.Int, options, true)

/**
 * `BIGINT` as a JavaScript `bigint`: exact over the whole 64-bit range.
 *
 * @example
 * import { Column } from "retort-orm"
 * const views = Column.bigint({ default: 0n })
 *
 * @since 0.1.0
 * @category constructors
 */
export const bigint = <const O extends Options<bigint> = {}>(
  options?: O
): Column<WithNull<bigint, O>, OptionalInteger<O>, ApiInteger<O>> => make({ _tag: "bigint" }, Schema.BigIntFromSelf, options, true)

/**
 * Double-precision floating point.
 *
 * @example
 * import { Column } from "retort-orm"
 * const ratio = Column.float({ nullable: true })
 *
 * @since 0.1.0
 * @category constructors
 */
export const float = <const O extends Options<number> = {}>(
  options?: O
): Column<WithNull<number, O>, OptionalBy<O>, ApiBy<O>> => make({ _tag: "float" }, Schema.Number, options)

/**
 * `NUMERIC(precision, scale)` as an exact `BigDecimal`, read back at the declared scale.
 *
 * @example
 * import { Column } from "retort-orm"
 * const price = Column.numeric({ precision: 10, scale: 2 })
 *
 * @since 0.1.0
 * @category constructors
 */
export const numeric = <const O extends Options<BigDecimal.BigDecimal> & { readonly precision: number; readonly scale: number }>(
  options: O
): Column<WithNull<BigDecimal.BigDecimal, O>, OptionalBy<O>, ApiBy<O>> =>
  make({ _tag: "numeric", precision: options.precision, scale: options.scale }, Schema.BigDecimalFromSelf, options)

/**
 * `VARCHAR(length)`. The constructor rejects longer strings. Without a length
 * (`Column.string()`, SQLAlchemy's `Column(String)`) it is `VARCHAR` on PostgreSQL, `TEXT`
 * on SQLite, and `VARCHAR(255)` on MariaDB, where a column needs a length: 255 characters
 * of utf8mb4 can be indexed, unique and a foreign key target. A longer value fails there
 * with `EncodeError` before it reaches the server.
 *
 * @example
 * import { Column } from "retort-orm"
 * const name = Column.string({ length: 50 })
 * const email = Column.string({ unique: true })
 *
 * @since 0.1.0
 * @category constructors
 */
export const string = <const O extends Options<string> & { readonly length?: number } = {}>(
  options?: O
): Column<WithNull<string, O>, OptionalBy<O>, ApiBy<O>> =>
  options?.length === undefined
    ? make({ _tag: "string", length: undefined }, Schema.String, options)
    : make({ _tag: "string", length: options.length }, Schema.String.pipe(maxChars(options.length)), options)

/**
 * Unbounded text.
 *
 * @example
 * import { Column } from "retort-orm"
 * const body = Column.text()
 *
 * @since 0.1.0
 * @category constructors
 */
export const text = <const O extends Options<string> = {}>(
  options?: O
): Column<WithNull<string, O>, OptionalBy<O>, ApiBy<O>> => make({ _tag: "text" }, Schema.String, options)

/**
 * A boolean: native on PostgreSQL, `BOOLEAN` (0/1) on MariaDB and SQLite.
 *
 * @example
 * import { Column } from "retort-orm"
 * const active = Column.boolean({ default: true })
 *
 * @since 0.1.0
 * @category constructors
 */
export const boolean = <const O extends Options<boolean> = {}>(
  options?: O
): Column<WithNull<boolean, O>, OptionalBy<O>, ApiBy<O>> => make({ _tag: "boolean" }, Schema.Boolean, options)

const midnight = Schema.DateTimeUtcFromSelf.pipe(
  Schema.filter((d) => d.epochMillis % 86_400_000 === 0 || "a date is a DateTime.Utc at midnight UTC")
)

/**
 * A calendar date, as a `DateTime.Utc` at midnight UTC.
 *
 * @example
 * import { Column } from "retort-orm"
 * const birthDate = Column.date({ nullable: true })
 *
 * @since 0.1.0
 * @category constructors
 */
export const date = <const O extends Options<DateTime.Utc> = {}>(
  options?: O
): Column<WithNull<DateTime.Utc, O>, OptionalBy<O>, ApiBy<O>> => make({ _tag: "date" }, midnight, options)

/**
 * A timestamp as a `DateTime.Utc`, with (`timezone: true`, `timestamptz` on PostgreSQL) or
 * without time zone; values are UTC either way. Microseconds are kept: a value read
 * from the database carries them as a fraction of `epochMillis`, which equality, ordering
 * and writing back respect (Effect's DateTime arithmetic works in whole milliseconds).
 *
 * @example
 * import { Column, Fn } from "retort-orm"
 * const createdAt = Column.dateTime({ timezone: true, serverDefault: Fn.now() })
 *
 * @since 0.1.0
 * @category constructors
 */
export const dateTime = <const O extends Options<DateTime.Utc> & { readonly timezone?: boolean } = {}>(
  options?: O
): Column<WithNull<DateTime.Utc, O>, OptionalBy<O>, ApiBy<O>> =>
  make({ _tag: "dateTime", timezone: options?.timezone === true, precision: 6 }, Schema.DateTimeUtcFromSelf, options)

/**
 * A time of day, as the string `HH:MM:SS[.ffffff]`, without trailing zeros in the
 * fraction (the form every database reads back).
 *
 * @example
 * import { Column } from "retort-orm"
 * const opensAt = Column.time()
 *
 * @since 0.1.0
 * @category constructors
 */
export const time = <const O extends Options<string> = {}>(
  options?: O
): Column<WithNull<string, O>, OptionalBy<O>, ApiBy<O>> =>
  make({ _tag: "time", precision: 6 }, timeOfDay, options)

/**
 * A UUID string: native on PostgreSQL, `CHAR(36)` elsewhere.
 *
 * @example
 * import { Column } from "retort-orm"
 * const id = Column.uuid({ primaryKey: true, default: () => crypto.randomUUID() })
 *
 * @since 0.1.0
 * @category constructors
 */
export const uuid = <const O extends Options<string> = {}>(
  options?: O
): Column<WithNull<string, O>, OptionalBy<O>, ApiBy<O>> => make({ _tag: "uuid" }, Schema.UUID, options)

/**
 * Typed JSON: `jsonb` on PostgreSQL, `JSON` on MariaDB, `TEXT` on SQLite. Values are
 * encoded with `schema` on the way in and decoded with it on the way out. A JSON `null`
 * (when `schema` admits it) is stored as JSON, distinct from SQL `NULL`.
 *
 * @example
 * import { Schema } from "effect"
 * import { Column } from "retort-orm"
 * const settings = Column.json(Schema.Struct({ theme: Schema.Literal("dark", "light") }))
 *
 * @since 0.1.0
 * @category constructors
 */
export const json = <S extends Schema.Schema<any, any, never>, const O extends Options<Schema.Schema.Type<S>> = {}>(
  schema: S,
  options?: O
): Column<WithNull<Schema.Schema.Type<S>, O>, OptionalBy<O>, ApiBy<O>> =>
  make({ _tag: "json", schema }, Schema.typeSchema(schema), options)

/**
 * One of a fixed set of strings: a PostgreSQL enum type (named `enumName`, by default
 * `<table>_<column>`), a `VARCHAR` with a CHECK constraint elsewhere.
 *
 * @example
 * import { Column } from "retort-orm"
 * const status = Column.literal("draft", "published")
 *
 * @since 0.1.0
 * @category constructors
 */
export const literal = <const Values extends readonly [string, ...Array<string>]>(
  ...values: Values
): Column<Values[number], false, "plain"> & {
  /** The same literal column with options. */
  readonly with: <const O extends Options<Values[number]> & { readonly enumName?: string }>(
    options: O
  ) => Column<WithNull<Values[number], O>, OptionalBy<O>, ApiBy<O>>
} => {
  const column = make({ _tag: "literal", values, enumName: undefined }, Schema.Literal(...values), undefined)
  return Object.assign(column, {
    with: (options: Options<any> & { readonly enumName?: string }) =>
      make({ _tag: "literal", values, enumName: options.enumName }, Schema.Literal(...values), options)
  }) as any
}

/**
 * Bytes, as a `Uint8Array`: `bytea`, `LONGBLOB`, `BLOB`.
 *
 * @example
 * import { Column } from "retort-orm"
 * const avatar = Column.binary({ nullable: true })
 *
 * @since 0.1.0
 * @category constructors
 */
export const binary = <const O extends Options<Uint8Array> = {}>(
  options?: O
): Column<WithNull<Uint8Array, O>, OptionalBy<O>, ApiBy<O>> => make({ _tag: "binary" }, Schema.Uint8ArrayFromSelf, options)

/**
 * Any Schema transform as a column (SQLAlchemy's TypeDecorator): `schema` decodes the
 * driver value into the field's type and encodes it back; `sqlType` is the column type,
 * one for all databases or one per dialect.
 *
 * @example
 * import { Schema } from "effect"
 * import { Column } from "retort-orm"
 * const tags = Column.custom(Schema.split(","), { sqlType: "TEXT" }) // string[] stored as "a,b,c"
 *
 * @since 0.1.0
 * @category constructors
 */
export const custom = <S extends Schema.Schema<any, any, never>, const O extends Options<Schema.Schema.Type<S>> = {}>(
  schema: S,
  options: O & { readonly sqlType: string | Readonly<Partial<Record<DialectName, string>>> }
): Column<WithNull<Schema.Schema.Type<S>, O>, OptionalBy<O>, ApiBy<O>> =>
  make({ _tag: "custom", schema, sqlType: options.sqlType }, Schema.typeSchema(schema), options)

/**
 * The column as a Schema between the driver's value (`Encoded`) and the field's value
 * (`Type`) on one database: what retort uses to read and write rows. `null` is SQL NULL
 * for a nullable column.
 *
 * @example
 * import { Schema } from "effect"
 * import { Column } from "retort-orm"
 * const flag = Column.codec(Column.boolean(), "sqlite")
 * Schema.decodeUnknownSync(flag)(1) // true
 * Schema.encodeSync(flag)(false) // 0
 *
 * @since 0.1.0
 * @category codecs
 */
export const codec = <A>(column: Column<A, boolean>, dialect: DialectName): Schema.Schema<A, unknown> => {
  const def = definition(column)
  const hooks = Dialect.byName(dialect).values
  const attempt = (f: () => unknown, ast: SchemaAST.AST, actual: unknown) => {
    try {
      return ParseResult.succeed(f())
    } catch (e) {
      return ParseResult.fail(new ParseResult.Type(ast, actual, e instanceof ValueError ? e.message : String(e)))
    }
  }
  return Schema.transformOrFail(Schema.Unknown, Schema.typeSchema(column), {
    strict: false,
    decode: (raw, _, ast) =>
      raw === null || raw === undefined
        ? def.nullable ? ParseResult.succeed(null) : ParseResult.fail(new ParseResult.Type(ast, raw, "NULL in a column that is not nullable"))
        : attempt(() => fromDriver(def.type, raw, hooks), ast, raw),
    encode: (value, _, ast) =>
      isSqlNull(def.type, def.nullable, value)
        ? ParseResult.succeed(null)
        : attempt(() => toDriver(def.type, value, hooks), ast, value)
  }) as unknown as Schema.Schema<A, unknown>
}
