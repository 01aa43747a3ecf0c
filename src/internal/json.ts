/**
 * JSON path access (issue 14): the methods `get`, `asString`, `asNumber` and `asBoolean`
 * that every expression carries (so that column references, built on the shared prototype,
 * have them) and that work only on JSON values, the type-level rules saying which
 * expressions are JSON, and the JSON path text SQLite, MariaDB and PostgreSQL read.
 *
 * A path is a list of keys and array indexes kept in the AST (`Ast.JsonGet`); the dialect
 * binds it when compiling (`CompilerHooks.jsonGet`), never writes it into the SQL text.
 */
import type { BigDecimal, DateTime } from "effect"
import { Schema } from "effect"
import type * as Ast from "./ast/nodes.js"
import type { ExprLike } from "./expr.js"

// --- types ---------------------------------------------------------------------------------

/** `any` stays `any`: an `Expr<any>` accepts every expression, whatever its JSON methods give. */
type IsAny<A> = 0 extends 1 & A ? true : false

/** Object types that are column values but not JSON documents. */
type NotJson = BigDecimal.BigDecimal | DateTime.DateTime | Uint8Array

/**
 * `true` when a value of type `A` can be a JSON document with paths in it: `unknown`, or an
 * object or array type (a json column of a Struct, an Array, a Record). A text, number or
 * date column is not, so `Tag.c.name.get("x")` does not compile.
 */
export type IsJson<A> = unknown extends A ? true
  : [Exclude<Extract<NonNullable<A>, object>, NotJson>] extends [never] ? false
  : true

/** The keys `get` takes on a JSON value of type `A`: array indexes, object keys, anything for `unknown`. */
export type JsonKey<A> = IsAny<A> extends true ? any : unknown extends A ? string | number
  : NonNullable<A> extends infer V ? V extends ReadonlyArray<any> ? number
    : V extends NotJson ? never
    : V extends object ? Extract<keyof V, string>
    : never
  : never

/** The type at `key` in a JSON value of type `A`: `null` too, as a missing path is NULL. */
export type JsonAt<A, K> = IsAny<A> extends true ? any : unknown extends A ? unknown
  :
    | (NonNullable<A> extends infer V ? V extends ReadonlyArray<infer E> ? K extends number ? Exclude<E, undefined> : never
      : V extends object ? K extends keyof V ? Exclude<V[K], undefined> : never
      : never
      : never)
    | null

// --- runtime -------------------------------------------------------------------------------

/** How a path value decodes: as JSON, without the column's Schema (its type is the stored JSON). */
const jsonValue: Ast.ValueType = { _tag: "json", schema: Schema.Unknown }
const scalarTypes: Record<Exclude<Ast.JsonAs, "json">, Ast.ValueType> = {
  string: { _tag: "text" },
  number: { _tag: "float" },
  boolean: { _tag: "boolean" }
}

const isJsonValue = (self: ExprLike) => self.valueType._tag === "json"

const refuse = (method: string, self: ExprLike): never => {
  throw new TypeError(`${method}() is for JSON values (a json column or a path into one), not a value of type ${self.valueType._tag}`)
}

/** A key is any well-formed string; an index a non-negative safe integer (negative ones differ per database). */
const checkStep = (key: unknown): string | number => {
  if (typeof key === "string") {
    // A lone surrogate has no JSON spelling all three databases read alike.
    if (!/^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/.test(key)) {
      throw new TypeError("get(): a JSON key must be well-formed text (no lone surrogate)")
    }
    return key
  }
  if (typeof key === "number" && Number.isSafeInteger(key) && key >= 0) return key
  throw new TypeError(`get() takes an object key (a string) or an array index (a whole number of at least 0), not ${String(key)}`)
}

/** The path of a JSON expression so far: a column has none, a `get` result its steps. */
const pathOf = (self: ExprLike): { readonly operand: Ast.Node; readonly path: ReadonlyArray<string | number> } =>
  self.node._tag === "JsonGet" && self.node.as === "json" ? { operand: self.node.operand, path: self.node.path } : { operand: self.node, path: [] }

type Make = (node: Ast.Node, valueType: Ast.ValueType, nullable: boolean) => ExprLike

const scalar = (make: Make, self: ExprLike, as: Exclude<Ast.JsonAs, "json">): ExprLike => {
  if (!isJsonValue(self)) refuse(`as${as[0]!.toUpperCase()}${as.slice(1)}`, self)
  const { operand, path } = pathOf(self)
  return make({ _tag: "JsonGet", operand, path, as }, scalarTypes[as], true)
}

/**
 * The JSON methods of the shared expression prototype, built with its constructor (passed
 * in, so that this module needs nothing from `expr.ts` at load time).
 */
export const jsonMethods = (make: Make) => ({
  /** The JSON value at an object key or an array index; NULL where there is none. */
  get(this: ExprLike, key: string | number) {
    if (!isJsonValue(this)) refuse("get", this)
    const step = checkStep(key)
    const { operand, path } = pathOf(this)
    return make({ _tag: "JsonGet", operand, path: [...path, step], as: "json" }, jsonValue, true)
  },
  /** The JSON string here, without quotes; NULL for any other JSON type. */
  asString(this: ExprLike) {
    return scalar(make, this, "string")
  },
  /** The JSON number here, as a JavaScript number; NULL for any other JSON type (a string "3" too). */
  asNumber(this: ExprLike) {
    return scalar(make, this, "number")
  },
  /** The JSON boolean here; NULL for any other JSON type. */
  asBoolean(this: ExprLike) {
    return scalar(make, this, "boolean")
  }
})

/**
 * A path in the syntax SQLite, MariaDB and PostgreSQL's jsonpath share: `$."a"[0]`. Each key
 * is written as a JSON string (quotes, backslashes and control characters escaped), so a key
 * holding `"`, `.`, `[` or spaces is one key. The text is bound as a parameter.
 */
export const pathText = (path: ReadonlyArray<string | number>): string =>
  `$${path.map((step) => (typeof step === "number" ? `[${step}]` : `.${JSON.stringify(step)}`)).join("")}`
