/**
 * Models: Effect Schema classes with table metadata.
 *
 * ```ts
 * class User extends Table.Class<User>("User")("users", {
 *   id: Column.integer({ primaryKey: true }),
 *   name: Column.string({ length: 50 })
 * }) {}
 * ```
 *
 * A model class validates in its constructor like any `Schema.Class`, and carries its
 * `tableName`, typed column references (`User.c.name`), and `insert` / `update` schemas.
 *
 * @module
 * @since 0.1.0
 */
import { Schema, type SchemaAST, type Types } from "effect"
import * as Column from "./Column.js"
import type * as Computed from "./Computed.js"
import type { Expr } from "./Expr.js"
import * as ApiSchemas from "./internal/apiSchemas.js"
import * as ComputedDef from "./internal/computed/define.js"
import { ExprProto } from "./internal/expr.js"
import * as TableDef from "./internal/tableDef.js"

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Table } from "retort-orm"
 * const id = Table.TypeId
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("retort/Table")

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Table } from "retort-orm"
 * const id = Table.TypeId
 *
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * The columns of a model, by field name.
 *
 * @example
 * import { Column, type Table } from "retort-orm"
 * const fields = { id: Column.integer({ primaryKey: true }) } satisfies Table.Fields
 *
 * @since 0.1.0
 * @category models
 */
export type Fields = { readonly [key: string]: Column.Any }

/**
 * Table options: `primaryKey` (composite), `uniques`, `indexes`, `checks`, `versionColumn`.
 *
 * @example
 * import { Expr, type Table } from "retort-orm"
 * const options: Table.Options<"a" | "b"> = { primaryKey: ["a", "b"], checks: [Expr.raw("a <> b")] }
 *
 * @since 0.1.0
 * @category models
 */
export type Options<Key extends string = string> = TableDef.TableOptions<Key>

/**
 * The typed column references of a model: `User.c.name` is a `Column.Ref<User, "name", string>`.
 *
 * @example
 * import type { Table } from "retort-orm"
 * type Refs<M extends Table.Any> = M["c"]
 *
 * @since 0.1.0
 * @category models
 */
export type Columns<Self, F extends Fields> = {
  readonly [K in keyof F & string]: Column.Ref<Self, K, Column.Type<F[K]>>
}

/**
 * The fields an insert may leave out (a default, a server default, an autoincrement, `nullable`).
 *
 * @example
 * import type { Column, Table } from "retort-orm"
 * type F = { readonly id: Column.Column<number, true>; readonly name: Column.Column<string, false> }
 * type Keys = Table.OptionalKeys<F> // "id"
 *
 * @since 0.3.0
 * @category type-level
 */
export type OptionalKeys<F extends Fields> = { [K in keyof F]: Column.IsOptional<F[K]> extends true ? K : never }[keyof F]
/**
 * The fields an insert must give: all but {@link OptionalKeys}.
 *
 * @example
 * import type { Column, Table } from "retort-orm"
 * type F = { readonly id: Column.Column<number, true>; readonly name: Column.Column<string, false> }
 * type Keys = Table.RequiredKeys<F> // "name"
 *
 * @since 0.3.0
 * @category type-level
 */
export type RequiredKeys<F extends Fields> = Exclude<keyof F, OptionalKeys<F>>

/**
 * What an insert takes: every field, those with a default, a server default, an
 * autoincrement or `nullable` optional.
 *
 * @example
 * import type { Table } from "retort-orm"
 * type NewUser<F extends Table.Fields> = Table.Insert<F>
 *
 * @since 0.1.0
 * @category models
 */
export type Insert<F extends Fields> = Types.Simplify<
  & { readonly [K in RequiredKeys<F>]: Column.Type<F[K]> }
  & { readonly [K in OptionalKeys<F>]?: Column.Type<F[K]> }
>

/**
 * What an update takes: any subset of the fields.
 *
 * @example
 * import type { Table } from "retort-orm"
 * type Changes<F extends Table.Fields> = Table.Update<F>
 *
 * @since 0.1.0
 * @category models
 */
export type Update<F extends Fields> = { readonly [K in keyof F]?: Column.Type<F[K]> }

/**
 * A column's {@link Column.ApiRole}, read from its type.
 *
 * @example
 * import type { Column, Table } from "retort-orm"
 * type Role = Table.RoleOf<Column.Column<string, false>> // "plain"
 *
 * @since 0.3.0
 * @category type-level
 */
export type RoleOf<C> = C extends { readonly "~api"?: infer R } ? R : "plain"
/**
 * The fields of a JSON schema: those whose {@link RoleOf | role} is not in `Out`.
 *
 * @example
 * import type { Column, Table } from "retort-orm"
 * type F = { readonly id: Column.Column<number, true>; readonly name: Column.Column<string, false> }
 * type Keys = Table.JsonKeys<F, "sensitive">
 *
 * @since 0.3.0
 * @category type-level
 */
export type JsonKeys<F extends Fields, Out> = { [K in keyof F]: RoleOf<F[K]> extends Out ? never : K }[keyof F]
/**
 * The fields of `jsonCreate`: neither sensitive nor filled by the database.
 *
 * @example
 * import type { Column, Table } from "retort-orm"
 * type F = { readonly id: Column.Column<number, true>; readonly name: Column.Column<string, false> }
 * type Keys = Table.CreateKeys<F>
 *
 * @since 0.3.0
 * @category type-level
 */
export type CreateKeys<F extends Fields> = JsonKeys<F, "sensitive" | "generated">

/**
 * A model's row as its `json` schema decodes it: every field but the `sensitive` ones.
 *
 * @example
 * import type { Table } from "retort-orm"
 * type Public<F extends Table.Fields> = Table.Json<F>
 *
 * @since 0.3.0
 * @category models
 */
export type Json<F extends Fields> = { readonly [K in JsonKeys<F, "sensitive">]: Column.Type<F[K]> }

/**
 * What a model's `jsonCreate` schema decodes: an insert without the `sensitive` columns and
 * those the database fills (autoincrement, server default without a client default).
 *
 * @example
 * import type { Table } from "retort-orm"
 * type Body<F extends Table.Fields> = Table.JsonCreate<F>
 *
 * @since 0.3.0
 * @category models
 */
export type JsonCreate<F extends Fields> = Types.Simplify<
  & { readonly [K in Exclude<CreateKeys<F>, OptionalKeys<F>>]: Column.Type<F[K]> }
  & { readonly [K in Extract<CreateKeys<F>, OptionalKeys<F>>]?: Column.Type<F[K]> }
>

/**
 * What a model's `jsonUpdate` schema decodes: any subset of the fields, leaving out the
 * `sensitive` ones, those the database fills and the primary key (an update names its row
 * by its key elsewhere, in the URL).
 *
 * @example
 * import type { Table } from "retort-orm"
 * type Patch<F extends Table.Fields> = Table.JsonUpdate<F>
 *
 * @since 0.3.0
 * @category models
 */
export type JsonUpdate<F extends Fields> = {
  readonly [K in JsonKeys<F, "sensitive" | "generated" | "key">]?: Column.Type<F[K]>
}

/**
 * The JSON side of a model's JSON schemas: an object of JSON values (numerics, bigints,
 * timestamps and dates as strings, bytes as base64). Left loose on purpose: a precise type
 * per model would cost every model's type-check.
 *
 * @example
 * import type { Table } from "retort-orm"
 * const body: Table.JsonObject = { total: "12.50", at: "2024-01-01T00:00:00Z" }
 *
 * @since 0.3.0
 * @category models
 */
export type JsonObject = { readonly [key: string]: unknown }

/**
 * The statics a model class has beyond `Schema.Class`.
 *
 * @example
 * import type { Table } from "retort-orm"
 * const nameOf = (model: Table.Any) => model.tableName
 *
 * @since 0.1.0
 * @category models
 */
export interface TableStatics<Self, F extends Fields> {
  readonly [TypeId]: TableDef.TableDef
  readonly tableName: string
  readonly c: Columns<Self, F>
  readonly insert: Schema.Schema<Insert<F>>
  readonly update: Schema.Schema<Update<F>>
  /** The row to and from JSON (the select variant); built on first use. @since 0.3.0 */
  readonly json: Schema.Schema<Json<F>, JsonObject>
  /** A create request body from JSON, to what `Query.insert(X).values` takes. @since 0.3.0 */
  readonly jsonCreate: Schema.Schema<JsonCreate<F>, JsonObject>
  /** An update request body from JSON, to what `session.update` takes. @since 0.3.0 */
  readonly jsonUpdate: Schema.Schema<JsonUpdate<F>, JsonObject>
}

// A column is a plain `Schema` (never a property signature), so Schema.Struct.Type/Encoded/Constructor
// of the fields reduce to these homomorphic mapped types; Effect's versions build a union of
// one-key objects and intersect it back, which costs far more to check for each model.
/**
 * A model instance's fields: each column's TypeScript type.
 *
 * @example
 * import type { Column, Table } from "retort-orm"
 * type F = { readonly id: Column.Column<number, true>; readonly name: Column.Column<string, false> }
 * type UserRow = Table.Row<F> // { readonly id: number; readonly name: string }
 *
 * @since 0.3.0
 * @category type-level
 */
export type Row<F extends Fields> = { readonly [K in keyof F]: Schema.Schema.Type<F[K]> }
/**
 * A row as its columns' Schemas encode it.
 *
 * @example
 * import type { Column, Table } from "retort-orm"
 * type F = { readonly id: Column.Column<number, true>; readonly name: Column.Column<string, false> }
 * type Encoded = Table.RowEncoded<F>
 *
 * @since 0.3.0
 * @category type-level
 */
export type RowEncoded<F extends Fields> = { readonly [K in keyof F]: Schema.Schema.Encoded<F[K]> }
// `new X()` with no argument stays legal when no field is required, as with Schema.Class.
/**
 * What a model's constructor takes: its {@link Row}, or nothing when no field is required.
 *
 * @example
 * import type { Column, Table } from "retort-orm"
 * type F = { readonly id: Column.Column<number, true>; readonly name: Column.Column<string, false> }
 * type Props = Table.ConstructorProps<F>
 *
 * @since 0.3.0
 * @category type-level
 */
export type ConstructorProps<F extends Fields> = keyof F extends never ? void | Row<F> : Row<F>

/**
 * What a model class has but its constructor: a `Schema` of its row, its table metadata and
 * the `Schema.Class` statics a model is used for. `ComputedClass` extends it; `TableClass`
 * spells the same members out, which checks a little faster for every plain model.
 *
 * @example
 * import { Column, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * const model: Table.ModelStatics<Tag, typeof Tag.fields> = Tag
 *
 * @since 0.4.0
 * @category models
 */
export interface ModelStatics<Self, F extends Fields> extends Schema.Schema<Self, RowEncoded<F>, never>, TableStatics<Self, F> {
  readonly ast: SchemaAST.Transformation
  make<C extends new(...args: Array<any>) => any>(this: C, ...args: ConstructorParameters<C>): InstanceType<C>
  annotations(annotations: Schema.Annotations.Schema<Self>): Schema.SchemaClass<Self, RowEncoded<F>, never>
  readonly fields: { readonly [K in keyof F]: F[K] }
  readonly identifier: string
}

/**
 * A model class: a `Schema` of its row with a validating constructor, plus table metadata.
 * At runtime it is a `Schema.Class`; its type lists only what a model is used for (not
 * `extend` / `transformOrFail`), which keeps each model cheap to type-check.
 *
 * @example
 * import { Column, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * const model: Table.TableClass<Tag, typeof Tag.fields> = Tag
 *
 * @since 0.1.0
 * @category models
 */
export interface TableClass<Self, F extends Fields>
  extends Schema.Schema<Self, RowEncoded<F>, never>, TableStatics<Self, F>
{
  new(props: ConstructorProps<F>, options?: Schema.MakeOptions): Row<F>
  readonly ast: SchemaAST.Transformation
  make<C extends new(...args: Array<any>) => any>(this: C, ...args: ConstructorParameters<C>): InstanceType<C>
  annotations(annotations: Schema.Annotations.Schema<Self>): Schema.SchemaClass<Self, RowEncoded<F>, never>
  readonly fields: { readonly [K in keyof F]: F[K] }
  readonly identifier: string
}

/**
 * A model class with computed properties `C`: its instances read them (`user.fullName`)
 * and `c` has their expressions (`User.c.fullName`) beside the columns. A model without
 * computed properties is a `TableClass`, with none of this type's extra work.
 *
 * @example
 * import { Column, Computed, Fn, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", {
 *   id: Column.integer({ primaryKey: true }),
 *   first: Column.text(),
 *   last: Column.text()
 * }, { computed: (c) => ({ fullName: Computed.make(Fn.concat(c.first, " ", c.last)) }) }) {}
 * const model: Table.ComputedClass<User, typeof User.fields, { fullName: Computed.Computed<string> }> = User
 *
 * @since 0.4.0
 * @category models
 */
export interface ComputedClass<Self, F extends Fields, C extends Computed.Fields> extends ModelStatics<Self, F> {
  new(props: ConstructorProps<F>, options?: Schema.MakeOptions): Row<F> & Computed.Values<C>
  readonly c: Columns<Self, F> & Computed.Refs<C>
}

/**
 * The `computed` option of `Table.Class`: a function of the model's column references
 * returning its computed properties (`Computed.make(…)`) by name.
 *
 * @example
 * import { Column, Computed, Fn, Table } from "retort-orm"
 * type Names = Table.ComputedOption<unknown, { first: Column.Column<string>; last: Column.Column<string> }, Computed.Fields>
 * const option: Names = (c) => ({ fullName: Computed.make(Fn.concat(c.first, " ", c.last)) })
 *
 * @since 0.4.0
 * @category models
 */
export type ComputedOption<Self, F extends Fields, C extends Computed.Fields> = (c: Columns<Self, F>) => C

type MissingSelf = "Missing `Self` generic - use `class Self extends Table.Class<Self>(\"Self\")(...)`"

/**
 * What `Table.Class<Self>(identifier)` returns: the definition of the model's table, without
 * computed properties (a plain `TableClass`, none of their type-level work) or with them
 * (the `computed` option). The first signature refuses a `computed` option as `never`
 * while its callback is still unchecked, so that the callback's parameter is typed by the
 * second one, not fixed as `any` by the first.
 *
 * @example
 * import { Column, Table } from "retort-orm"
 * const define: Table.Builder<{ readonly id: number }> = Table.Class<{ readonly id: number }>("Row")
 *
 * @since 0.4.0
 * @category constructors
 */
export interface Builder<Self> {
  <const F extends Fields>(
    tableName: string,
    columns: F,
    options?: Options<keyof F & string> & { readonly computed?: never }
  ): [Self] extends [never] ? MissingSelf : TableClass<Self, F>
  <const F extends Fields, C extends Computed.Fields>(
    tableName: string,
    columns: F,
    options: Options<keyof F & string> & { readonly computed: ComputedOption<Self, F, C> }
  ): [Self] extends [never] ? MissingSelf : ComputedClass<Self, F, C>
}

/**
 * Any model class. Its JSON schemas (`json`, `jsonCreate`, `jsonUpdate`) are left out here:
 * checking every `M extends Table.Any` against them would cost each model's type-check;
 * generic code takes a `TableClass<Self, F>` to use them.
 *
 * @example
 * import type { Table } from "retort-orm"
 * const tables: ReadonlyArray<Table.Any> = []
 *
 * @since 0.1.0
 * @category models
 */
export interface Any {
  readonly [TypeId]: TableDef.TableDef
  readonly tableName: string
  /** Column references; a model with computed properties has their expressions here too. */
  readonly c: { readonly [key: string]: Column.AnyRef | Expr<any> }
  readonly insert: Schema.Schema<any>
  readonly update: Schema.Schema<any>
  readonly fields: Fields
  readonly identifier: string
  new(props: any, options?: any): any
}

/**
 * The metadata of a model (or of an alias of one).
 *
 * @example
 * import { Column, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * Table.definition(Tag).primaryKey // ["id"]
 *
 * @since 0.1.0
 * @category getters
 */
export const definition = (model: { readonly [TypeId]: TableDef.TableDef }): TableDef.TableDef => model[TypeId]

const makeRefs = (def: TableDef.TableDef, alias: string | undefined): Record<string, Column.AnyRef> => {
  const source = { tableName: def.tableName, alias, def }
  const refs: Record<string, Column.AnyRef> = {}
  for (const column of def.columns) {
    // A column reference is an expression whose node is itself.
    const ref = Object.create(ExprProto)
    Object.assign(ref, {
      _tag: "ColumnRef",
      table: source,
      key: column.key,
      name: column.name,
      column: column.def,
      valueType: column.def.type,
      nullable: column.def.nullable,
      alias: column.key
    })
    ref.node = ref
    refs[column.key] = Object.freeze(ref)
  }
  return Object.freeze(refs)
}

const insertSchema = (fields: Fields): Schema.Schema<any> => {
  const struct: Record<string, Schema.Schema.All | Schema.PropertySignature.All> = {}
  for (const [key, column] of Object.entries(fields)) {
    const def = Column.definition(column)
    const optional = def.nullable || def.default !== undefined || def.serverDefault !== undefined || def.autoIncrement
    struct[key] = optional ? Schema.optional(column) : column
  }
  return Schema.Struct(struct as Schema.Struct.Fields) as unknown as Schema.Schema<any>
}

/**
 * Defines a model: `class User extends Table.Class<User>("User")("users", columns, options) {}`.
 * Throws a `DefinitionError` when the definition cannot work (two fields on one column
 * name, an unknown field in an option, several autoincrement columns…).
 *
 * The `computed` option defines computed properties over the columns (see `Computed.make`):
 * `{ computed: (c) => ({ fullName: Computed.make(Fn.concat(c.first, " ", c.last)) }) }`
 * gives `User.c.fullName` (an expression) and `user.fullName` (read from the instance).
 *
 * @example
 * import { Column, Table } from "retort-orm"
 *
 * class PlaylistTrack extends Table.Class<PlaylistTrack>("PlaylistTrack")("playlist_track", {
 *   playlistId: Column.integer({ name: "playlist_id" }),
 *   trackId: Column.integer({ name: "track_id" })
 * }, { primaryKey: ["playlistId", "trackId"] }) {}
 *
 * @since 0.1.0
 * @category constructors
 */
export const Class = <Self = never>(identifier: string): Builder<Self> =>
(
  tableName: string,
  columns: Fields,
  options: Options & { readonly computed?: ComputedOption<any, any, any> } = {}
): any => {
  const { computed, ...tableOptions } = options
  const def = TableDef.make(identifier, tableName, columns, tableOptions)
  const base = Schema.Class<any>(identifier)(columns as Schema.Struct.Fields)
  const model = class extends base {}
  const refs = makeRefs(def, undefined)
  const insert = insertSchema(columns)
  const update = Schema.partial(Schema.Struct(columns as Schema.Struct.Fields))
  // Built on first use: most models never serve JSON, and defining one stays cheap.
  const cache: Partial<Record<ApiSchemas.Variant, Schema.Schema<any, any>>> = {}
  const lazy = (variant: ApiSchemas.Variant) => () => cache[variant] ??= ApiSchemas.make(identifier, columns, variant)
  const statics = {
    [TypeId]: def,
    tableName,
    c: computed === undefined ? refs : Object.freeze({ ...refs, ...ComputedDef.install(def, refs, computed, model.prototype) }),
    insert,
    update,
    get json() {
      return lazy("json")()
    },
    get jsonCreate() {
      return lazy("jsonCreate")()
    },
    get jsonUpdate() {
      return lazy("jsonUpdate")()
    }
  }
  return Object.defineProperties(model, Object.getOwnPropertyDescriptors(statics))
}

/**
 * The same table under another name, for self-joins: `Table.alias(Employee, "manager").c.lastName`.
 *
 * @example
 * import { Column, Table } from "retort-orm"
 * class Employee extends Table.Class<Employee>("Employee")("employees", {
 *   id: Column.integer({ primaryKey: true }),
 *   reportsTo: Column.integer({ nullable: true, references: (): Column.AnyRef => Employee.c.id })
 * }) {}
 * const manager = Table.alias(Employee, "manager")
 *
 * @since 0.1.0
 * @category constructors
 */
export const alias = <M extends Any, const Name extends string>(model: M, name: Name): Alias<M, Name> => {
  const def = definition(model)
  const refs = makeRefs(def, name)
  const c = def.computed.size === 0 ? refs : Object.freeze(Object.defineProperties({ ...refs }, ComputedDef.aliased(def, name, refs)))
  return Object.freeze({ _tag: "TableAlias", model, alias: name, tableName: def.tableName, [TypeId]: def, c }) as any
}

/**
 * An aliased table.
 *
 * @example
 * import type { Table } from "retort-orm"
 * const aliasName = (a: Table.Alias<Table.Any, string>) => a.alias
 *
 * @since 0.1.0
 * @category models
 */
export interface Alias<M extends Any, Name extends string = string> {
  readonly _tag: "TableAlias"
  readonly model: M
  readonly alias: Name
  readonly tableName: string
  readonly [TypeId]: TableDef.TableDef
  /**
   * The model's columns under the alias; their model type is `Aliased<M, Name>`, for LEFT JOIN
   * nullability. Computed properties' expressions read the alias' columns.
   */
  readonly c: {
    readonly [K in keyof M["c"]]: M["c"][K] extends Column.Ref<any, infer Key, infer A> ? Column.Ref<Aliased<M, Name>, Key, A> : M["c"][K]
  }
}

/**
 * The model type of an alias' columns: the model's instance type, marked with the alias.
 *
 * @example
 * import type { Table } from "retort-orm"
 * type Manager<M extends Table.Any> = Table.Aliased<M, "manager">
 *
 * @since 0.1.0
 * @category models
 */
export type Aliased<M extends Any, Name extends string> = InstanceType<M> & { readonly "~alias": Name }
