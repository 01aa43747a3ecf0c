/**
 * A model's JSON schemas (`json`, `jsonCreate`, `jsonUpdate`): each column's value to and
 * from what survives `JSON.stringify` / `JSON.parse` unchanged.
 *
 * @since 0.3.0
 */
import { BigDecimal, ParseResult, Schema, SchemaAST } from "effect"
import * as Column from "../Column.js"
import { DefinitionError } from "../Errors.js"
import { checkDecimal, comparisonScale } from "./representable.js"
import { formatIsoMicros, formatMicros, microsOf, parseIso, utcFromMicros } from "./timestamps.js"
import { formatDecimal } from "./values.js"

const dayMicros = 86_400_000_000n
const maxInt64 = 2n ** 63n - 1n
const decimalText = /^-?\d+(\.\d+)?$/
const integerText = /^-?\d+$/
const dateText = /^\d{4}-\d{2}-\d{2}$/

/** A column's JSON schema: the JSON `Encoded` side to the column's own `Type`. */
type Json = Schema.Schema<any, any>

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** A string in JSON, to `to`'s type; `decode` returns `undefined` or throws for text it refuses. */
const fromText = <A>(
  to: Schema.Schema<A>,
  expected: string,
  decode: (text: string) => A | undefined,
  encode: (value: A) => string
): Json =>
  Schema.transformOrFail(Schema.String, to, {
    strict: true,
    decode: (text, _, ast) => {
      try {
        const value = decode(text)
        if (value !== undefined) return ParseResult.succeed(value)
      } catch (e) {
        return ParseResult.fail(new ParseResult.Type(ast, text, `${expected}: ${message(e)}`))
      }
      return ParseResult.fail(new ParseResult.Type(ast, text, `expected ${expected}`))
    },
    encode: (value, _, ast) => {
      try {
        return ParseResult.succeed(encode(value))
      } catch (e) {
        return ParseResult.fail(new ParseResult.Type(ast, value, message(e)))
      }
    }
  })

/** Whether what a schema encodes to is plain JSON (no bigint, Date, bytes, undefined value…). */
const jsonSafe = (ast: SchemaAST.AST, seen: Set<SchemaAST.AST>): boolean => {
  switch (ast._tag) {
    case "StringKeyword":
    case "NumberKeyword":
    case "BooleanKeyword":
    case "TemplateLiteral":
    case "Enums":
      return true
    case "Literal":
      return ast.literal === null || typeof ast.literal !== "bigint"
    case "Union":
      return ast.types.every((t) => jsonSafe(t, seen))
    case "Refinement":
      return jsonSafe(ast.from, seen)
    case "Transformation":
      return jsonSafe(ast.from, seen)
    case "TupleType":
      return ast.elements.every((e) => jsonSafe(e.type, seen)) && ast.rest.every((r) => jsonSafe(r.type, seen))
    case "TypeLiteral":
      return ast.propertySignatures.every((p) =>
        typeof p.name === "string" &&
        // An optional key's `undefined` is a missing key in JSON.
        (p.isOptional && SchemaAST.isUnion(p.type)
          ? p.type.types.every((t) => SchemaAST.isUndefinedKeyword(t) || jsonSafe(t, seen))
          : jsonSafe(p.type, seen))
      ) && ast.indexSignatures.every((i) => jsonSafe(i.type, seen))
    case "Suspend": {
      if (seen.has(ast)) return true
      seen.add(ast)
      return jsonSafe(ast.f(), seen)
    }
    default:
      return false
  }
}

/** The column's schema without its `| null`: filters (length, midnight, literals) kept. */
const nonNull = (column: Column.Any, def: Column.Definition): Schema.Schema<any> => {
  if (!def.nullable) return column
  const ast = column.ast
  const members = SchemaAST.isUnion(ast)
    ? ast.types.filter((t) => !(SchemaAST.isLiteral(t) && t.literal === null))
    : [ast]
  return Schema.make(members.length === 1 ? members[0]! : SchemaAST.Union.make(members))
}

const jsonOfType = (column: Column.Any, def: Column.Definition, where: string): Json => {
  const base = nonNull(column, def)
  const type = def.type
  switch (type._tag) {
    case "integer":
    case "string":
    case "text":
    case "boolean":
    case "time":
    case "uuid":
    case "literal":
      return base
    case "float":
      // JSON has no NaN or Infinity: JSON.stringify would turn them into null.
      return base.pipe(Schema.filter((n) => Number.isFinite(n) || "a finite number (JSON has no NaN or Infinity)"))
    case "bigint":
      return fromText(Schema.BigIntFromSelf, "a 64-bit integer as a string", (text) => {
        if (!integerText.test(text)) return undefined
        const n = BigInt(text)
        return n >= -maxInt64 - 1n && n <= maxInt64 ? n : undefined
      }, (n) => n.toString())
    case "numeric":
      return fromText(Schema.BigDecimalFromSelf, `a decimal number as a string, as "12.50"`, (text) => {
        if (!decimalText.test(text)) return undefined
        const parsed = BigDecimal.unsafeFromString(text)
        // Read back at the column's scale, as a value from the database is.
        return BigDecimal.scale(checkDecimal(parsed, type.precision, type.scale), type.scale)
      }, (value) => formatDecimal(value, comparisonScale(value, type.scale)))
    case "dateTime":
      return fromText(Schema.DateTimeUtcFromSelf, "an ISO 8601 timestamp", (text) => {
        const micros = parseIso(text)
        return micros === undefined ? undefined : utcFromMicros(micros)
      }, (value) => formatIsoMicros(microsOf(value)))
    case "date":
      return fromText(Schema.DateTimeUtcFromSelf, "a date as YYYY-MM-DD", (text) => {
        const micros = dateText.test(text) ? parseIso(text) : undefined
        return micros === undefined ? undefined : utcFromMicros(micros)
      }, (value) => {
        const micros = microsOf(value)
        if (micros % dayMicros !== 0n) throw new Error("a date is a DateTime.Utc at midnight UTC")
        return formatMicros(micros).slice(0, -9)
      })
    case "binary":
      return Schema.Uint8ArrayFromBase64
    case "json":
      return type.schema
    case "custom": {
      if (!jsonSafe(Schema.encodedSchema(type.schema).ast, new Set())) {
        throw new DefinitionError({
          message: `${where}: a custom column whose schema does not encode to plain JSON has no JSON form; ` +
            `mark it \`sensitive: true\` to leave it out of the JSON schemas`,
          table: undefined,
          column: undefined
        })
      }
      return type.schema
    }
  }
}

/** The column's JSON schema, `null` included when it is nullable. */
export const jsonColumn = (column: Column.Any, where: string): Json => {
  const def = Column.definition(column)
  const json = jsonOfType(column, def, where)
  return def.nullable ? Schema.NullOr(json) : json
}

/** The runtime twin of `Column.ApiRole`. */
export const roleOf = (def: Column.Definition): Column.ApiRole =>
  def.sensitive
    ? "sensitive"
    : def.autoIncrement
    ? "generated"
    : def.default === undefined && def.serverDefault !== undefined
    ? "generated"
    : def.primaryKey
    ? "key"
    : "plain"

/** Which variant: the row (`json`), an insert (`jsonCreate`) or an update (`jsonUpdate`). */
export type Variant = "json" | "jsonCreate" | "jsonUpdate"

const suffix: Record<Variant, string> = { json: "Json", jsonCreate: "JsonCreate", jsonUpdate: "JsonUpdate" }

/** One of a model's JSON schemas, built from its fields. */
export const make = (
  identifier: string,
  fields: Readonly<Record<string, Column.Any>>,
  variant: Variant
): Schema.Schema<any, any> => {
  const struct: Record<string, Schema.Schema.All | Schema.PropertySignature.All> = {}
  for (const [key, column] of Object.entries(fields)) {
    const def = Column.definition(column)
    const role = roleOf(def)
    if (role === "sensitive") continue
    if (variant !== "json" && role === "generated") continue
    if (variant === "jsonUpdate" && role === "key") continue
    const json = jsonColumn(column, `${identifier}.${key}`)
    const optional = variant === "jsonUpdate" ||
      variant === "jsonCreate" && (def.nullable || def.default !== undefined)
    struct[key] = optional ? Schema.optional(json) : json
  }
  return Schema.Struct(struct as Schema.Struct.Fields).annotations({
    identifier: `${identifier}${suffix[variant]}`
  }) as unknown as Schema.Schema<any, any>
}
