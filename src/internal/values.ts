/**
 * Converting column values between TypeScript and the drivers. The conversions shared
 * by all databases live here; what differs (how a boolean or a bigint is bound, how a
 * timestamp is written, what each database can store) comes from the dialect's
 * `ValueHooks` (`src/dialect/*.ts`). Called by the row codecs in `src/internal/rows.ts`
 * and the statement compiler. Values a database would change are refused by the
 * checks in `src/internal/representable.ts`.
 */
import { BigDecimal, Either, ParseResult, Schema } from "effect"
import type { ColumnType } from "../Column.js"
import {
  checkBigint,
  checkCustom,
  checkDecimal,
  checkFloat,
  checkInstant,
  checkInteger,
  checkJson,
  checkText,
  checkUnboundedString,
  comparisonScale,
  describe,
  type Limits,
  refuse,
  ValueError
} from "./representable.js"
import { formatMicros, parseTimestamp, utcFromMicros } from "./timestamps.js"

export { describe, ValueError } from "./representable.js"
export { formatMicros, microsOf, parseTimestamp, utcFromMicros } from "./timestamps.js"

/** How one database differs in the values it takes and gives, and what it can store. */
export interface ValueHooks extends Limits {
  /** Booleans are bound and read as 1 / 0 (SQLite, MariaDB). */
  readonly booleanAsInteger: boolean
  /** How a bigint parameter is bound: as a JS bigint (better-sqlite3) or a decimal string. */
  readonly bigintParam: "bigint" | "string"
  /** Binary parameters must be Node Buffers. */
  readonly binaryAsBuffer: boolean
  /** Writes a timestamp column's value (UTC). */
  readonly formatDateTime: (micros: bigint, timezone: boolean) => string
  /** The UUID type normalizes case (PostgreSQL's native `uuid`). */
  readonly uuidLowercase: boolean
  /** Integers beyond 2^53 are read exactly only in the driver's safe-integer mode (better-sqlite3). */
  readonly bigintNeedsSafeIntegers: boolean
  /**
   * Column types whose bound value (as `toDriver` gives it, after the checks that refuse
   * whatever the database would change) is what the database stores and would read back,
   * decoded to the same value: an INSERT whose columns are all such needs no RETURNING,
   * its instance is decoded from the values bound (`insertRow.ts`).
   */
  readonly storedAsBound: ReadonlySet<string>
}

/**
 * Why a value is encoded: to be written to its column (it must fit exactly), or to be
 * compared with one (a decimal with more digits than the column is bound as it is, an
 * integer out of the column's range is a valid operand).
 */
export type Purpose = "write" | "compare"

// --- numbers ---------------------------------------------------------------------------

/** A BigDecimal as text at exactly `scale` digits after the point. */
export const formatDecimal = (value: BigDecimal.BigDecimal, scale: number): string => printScaled(BigDecimal.scale(value, scale).value, scale)

/** An integer `v` read as `v / 10^scale`, printed with exactly `scale` digits after the point. */
const printScaled = (v: bigint, scale: number): string => {
  const digits = (v < 0n ? -v : v).toString().padStart(scale + 1, "0")
  const sign = v < 0n ? "-" : ""
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`
}

/** 10^n as a bigint, for the n a column's precision and scale give (made once each). */
const bigTens: Array<bigint> = []
const bigTen = (n: number): bigint => (bigTens[n] ??= 10n ** BigInt(n))

/**
 * A `numeric(precision, scale)` value to write, as text at exactly `scale` digits: what
 * `formatDecimal(checkDecimal(…))` gives, with one bigint rescale instead of normalizing,
 * rescaling and printing twice (a row insert spent 0.4 µs in those). Anything it cannot
 * take at once (too many digits, an extreme scale) goes through `checkDecimal`, which
 * words the refusal. Throws `ValueError`.
 */
export const writeDecimal = (value: unknown, precision: number, scale: number): string => {
  if (BigDecimal.isBigDecimal(value) && Number.isSafeInteger(value.scale) && precision <= 1000) {
    const s = value.scale
    let v: bigint | undefined = value.value
    // Past `precision` places either way the value cannot fit (or is refused below): no huge powers.
    if (s < scale) v = scale - s <= precision ? v * bigTen(scale - s) : v === 0n ? 0n : undefined
    else if (s > scale) v = s - scale <= precision + 1 && v % bigTen(s - scale) === 0n ? v / bigTen(s - scale) : undefined
    if (v !== undefined && (v < 0n ? -v : v) < bigTen(precision)) return printScaled(v, scale)
  }
  return formatDecimal(checkDecimal(value, precision, scale), scale)
}

/** Powers of ten that are safe integers (10^0 … 10^15). */
const tens = Array.from({ length: 16 }, (_, i) => 10 ** i)

/**
 * A driver's decimal text (`-123.45`: digits, at most one point, no exponent, no spaces)
 * at `scale`, when it has no more fraction digits than `scale` and fits in a safe integer
 * once scaled: the value `BigDecimal.fromString` then `BigDecimal.scale` give, without the
 * regular expressions and the second BigDecimal (≈ 0.1 µs per value; a 10,000-row read of
 * one numeric column spent 1 ms in it). `undefined` sends the text through them.
 */
const decimalText = (text: string, scale: number): BigDecimal.BigDecimal | undefined => {
  const n = text.length
  let i = text.charCodeAt(0) === 45 ? 1 : 0 // "-"
  const negative = i === 1
  let value = 0
  let digits = 0
  let fraction = -1
  for (; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48)
      digits++
      if (fraction >= 0) fraction++
    } else if (c === 46 && fraction < 0) fraction = 0 // "."
    else return undefined
  }
  if (fraction < 0) fraction = 0
  // "5." and "." are read by fromString too (as 5 and 0): leave them to it.
  if (digits === 0 || text.charCodeAt(n - 1) === 46 || fraction > scale || digits + scale - fraction > 15) return undefined
  const scaled = value * tens[scale - fraction]!
  return BigDecimal.make(BigInt(negative ? -scaled : scaled), scale)
}

export const toDecimal = (raw: unknown, scale: number): BigDecimal.BigDecimal | undefined => {
  if (typeof raw === "string" && raw.length > 0 && scale >= 0 && scale <= 15) {
    const fast = decimalText(raw, scale)
    if (fast !== undefined) return fast
  }
  // A REAL from SQLite: exact at the column's scale while the scaled value is a safe integer.
  if (typeof raw === "number" && Number.isFinite(raw)) {
    const scaled = Math.round(raw * 10 ** scale)
    if (Number.isSafeInteger(scaled)) return BigDecimal.make(BigInt(scaled), scale)
  }
  let text: string | undefined
  if (typeof raw === "string") text = raw
  else if (typeof raw === "bigint") text = raw.toString()
  else if (typeof raw === "number" && Number.isFinite(raw)) text = raw.toFixed(scale)
  if (text === undefined) return undefined
  const parsed = BigDecimal.fromString(text.trim())
  return parsed._tag === "Some" ? BigDecimal.scale(parsed.value, scale) : undefined
}

const fail = (raw: unknown, expected: string): never => {
  throw new ValueError(`expected ${expected}, got ${typeof raw} ${describe(raw)}`)
}

/**
 * The issues of a ParseError, path by path. Effect's formatter prints the offending value
 * recursively and overflows the stack on one nested thousands deep: then the issue is
 * reported without it.
 */
export const schemaIssues = (error: ParseResult.ParseError): ReadonlyArray<ParseResult.ArrayFormatterIssue> => {
  try {
    return ParseResult.ArrayFormatter.formatErrorSync(error)
  } catch {
    return [{ _tag: "Type", path: [], message: "the value does not match the schema (too deeply nested to show)" }]
  }
}

const issues = (error: ParseResult.ParseError) =>
  schemaIssues(error)
    .map((i) => (i.path.length === 0 ? i.message : `${i.path.map(String).join(".")}: ${i.message}`))
    .join("; ")

/** Runs a user's schema; a transform that throws is a refusal of the value, not a crash. */
const withSchema = <A>(run: () => Either.Either<A, ParseResult.ParseError>, what: string, value: unknown, verb: string): A => {
  let result: Either.Either<A, ParseResult.ParseError>
  try {
    result = run()
  } catch (e) {
    return refuse(`${what} ${describe(value)} could not be ${verb}d by its schema: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (Either.isLeft(result)) return refuse(`${what} ${describe(value)} does not match its schema: ${issues(result.left)}`)
  return result.right
}

const decodeWith = (schema: Schema.Schema<any, any>, value: unknown, what: string): unknown =>
  withSchema(() => Schema.decodeUnknownEither(schema)(value), what, value, "decode")

const encodeWith = (schema: Schema.Schema<any, any>, value: unknown, what: string): unknown =>
  withSchema(() => Schema.encodeUnknownEither(schema)(value), what, value, "encode")

const toBytes = (raw: unknown): Uint8Array => {
  if (raw instanceof Uint8Array) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw)
  return fail(raw, "bytes")
}

const timeText = (raw: unknown): string => {
  if (typeof raw !== "string") return fail(raw, "a time of day")
  const m = /^(\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(raw)
  if (m === null) return fail(raw, "a time of day")
  const fraction = (m[2] ?? "").replace(/0+$/, "")
  return fraction === "" ? m[1]! : `${m[1]}.${fraction}`
}

/**
 * True when `value` is written as SQL NULL: `null`, except in a JSON column that is not
 * nullable, where `null` is the JSON value `null`.
 */
export const isSqlNull = (type: ColumnType, nullable: boolean, value: unknown): boolean =>
  value === null && (nullable || type._tag !== "json")

const dayMicros = 86_400_000_000n

/**
 * The driver value of a non-null TypeScript value, for `purpose`. Throws `ValueError`
 * for a value of the wrong type, or one the database would not store exactly.
 */
export const toDriver = (type: ColumnType, value: unknown, hooks: ValueHooks, purpose: Purpose = "write"): unknown => {
  switch (type._tag) {
    case "integer":
      // An operand of a comparison may be any number (age > 17.5), not one the database turns into NULL.
      return purpose === "write" ? checkInteger(value, hooks) : checkFloat(value, hooks)
    case "float":
      return checkFloat(value, hooks)
    case "string":
      if (typeof value !== "string") return fail(value, "text")
      // A bounded column's length is its Schema's business; a longer operand of a comparison just matches nothing.
      return type.length === undefined && purpose === "write" ? checkUnboundedString(checkText(value, hooks), hooks) : checkText(value, hooks)
    case "text":
    case "literal":
    case "time":
      return typeof value === "string" ? checkText(value, hooks) : fail(value, "text")
    case "bigint":
      return hooks.bigintParam === "bigint" ? checkBigint(value) : String(checkBigint(value))
    case "numeric":
      return purpose === "write"
        ? writeDecimal(value, type.precision, type.scale)
        : formatDecimal(value as BigDecimal.BigDecimal, comparisonScale(value, type.scale))
    case "boolean":
      if (typeof value !== "boolean") return fail(value, "a boolean")
      return hooks.booleanAsInteger ? (value ? 1 : 0) : value
    case "date": {
      const micros = checkInstant(value, hooks)
      // Comparing a date column with an instant that is not a date would compare its day only.
      if (micros % dayMicros !== 0n) refuse(`${describe(value)} is not a date (a DateTime.Utc at midnight UTC)`)
      return formatMicros(micros).slice(0, -9)
    }
    case "dateTime":
      return hooks.formatDateTime(checkInstant(value, hooks), type.timezone)
    case "uuid":
      return typeof value === "string" ? checkText(value, hooks).toLowerCase() : fail(value, "a UUID")
    case "json": {
      const encoded = encodeWith(type.schema, value, "JSON value")
      checkJson(encoded, hooks)
      readable(type.schema, encoded)
      return JSON.stringify(encoded)
    }
    case "binary": {
      if (!(value instanceof Uint8Array)) return fail(value, "bytes (a Uint8Array)")
      return hooks.binaryAsBuffer ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value
    }
    case "custom": {
      const encoded = encodeWith(type.schema, value, "value")
      readable(type.schema, encoded)
      return checkCustom(encoded, hooks, {
        boolean: (b) => (hooks.booleanAsInteger ? (b ? 1 : 0) : b),
        bytes: (b) => (hooks.binaryAsBuffer ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : b)
      })
    }
  }
}

/**
 * Refuses a value whose schema encodes it to something the same schema cannot decode
 * (a transform that is not its own inverse): written, the row could never be read.
 */
const readable = (schema: Schema.Schema<any, any>, encoded: unknown): void => {
  try {
    withSchema(() => Schema.decodeUnknownEither(schema)(encoded), "its encoded form", encoded, "decode")
  } catch (e) {
    if (!(e instanceof ValueError)) throw e
    refuse(`the row could not be read back: ${e.message}`)
  }
}

/** An instant read from the driver: a JavaScript Date or timestamp text. */
const instantOf = (raw: unknown): bigint | undefined => {
  if (raw instanceof Date) {
    const millis = raw.getTime()
    return Number.isNaN(millis) ? undefined : BigInt(millis) * 1000n
  }
  return typeof raw === "string" ? parseTimestamp(raw) : undefined
}

/**
 * The TypeScript value of a non-null driver value. Throws `ValueError`.
 */
export const fromDriver = (type: ColumnType, raw: unknown, hooks: ValueHooks): unknown => {
  switch (type._tag) {
    case "integer": {
      const n = typeof raw === "number" ? raw : typeof raw === "bigint" ? Number(raw) : typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : NaN
      return Number.isSafeInteger(n) ? n : fail(raw, "an integer")
    }
    case "bigint":
      if (typeof raw === "bigint") return raw
      if (typeof raw === "number" && Number.isSafeInteger(raw)) return BigInt(raw)
      if (typeof raw === "string" && /^-?\d+$/.test(raw)) return BigInt(raw)
      return fail(raw, "a 64-bit integer")
    case "float": {
      // PostgreSQL's NaN comes as the number NaN (or the text "NaN"): a value, not a failure.
      if (typeof raw === "number") return raw
      const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : typeof raw === "bigint" ? Number(raw) : NaN
      return Number.isNaN(n) && raw !== "NaN" ? fail(raw, "a number") : n
    }
    case "numeric":
      return toDecimal(raw, type.scale) ?? fail(raw, "a decimal number")
    case "string":
    case "text":
      return typeof raw === "string" ? raw : fail(raw, "text")
    case "literal":
      return typeof raw === "string" && type.values.includes(raw) ? raw : fail(raw, `one of ${type.values.join(", ")}`)
    case "boolean":
      if (typeof raw === "boolean") return raw
      if (raw === 0 || raw === 1 || raw === 0n || raw === 1n) return Number(raw) === 1
      if (hooks.booleanAsInteger && (raw === "0" || raw === "1")) return raw === "1"
      return fail(raw, "a boolean")
    case "date": {
      const micros = instantOf(raw)
      if (micros === undefined || micros % dayMicros !== 0n) return fail(raw, "a date")
      return utcFromMicros(micros)
    }
    case "dateTime": {
      const micros = instantOf(raw)
      return micros === undefined ? fail(raw, "a timestamp") : utcFromMicros(micros)
    }
    case "time":
      return timeText(raw)
    case "uuid":
      if (typeof raw !== "string" || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) {
        return fail(raw, "a UUID")
      }
      return hooks.uuidLowercase ? raw.toLowerCase() : raw
    case "json": {
      let parsed: unknown = raw
      if (typeof raw === "string") {
        try {
          parsed = JSON.parse(raw)
        } catch {
          return fail(raw, "JSON text")
        }
      } else if (raw instanceof Uint8Array) {
        return fail(raw, "JSON text")
      }
      return decodeWith(type.schema, parsed, "JSON value")
    }
    case "binary":
      return toBytes(raw)
    case "custom":
      return decodeWith(type.schema, raw, "value")
  }
}
