/**
 * Converting column values between TypeScript and the drivers. The conversions shared
 * by all databases live here; what differs (how a boolean or a bigint is bound, how a
 * timestamp is written) comes from the dialect's `ValueHooks` (`src/dialect/*.ts`).
 * Called by the row codecs in `src/internal/rows.ts`.
 */
import { BigDecimal, DateTime, Either, ParseResult, Schema } from "effect"
import type { ColumnType } from "../Column.js"

/** A driver value that cannot become the column's TypeScript value, or the reverse. */
export class ValueError {
  constructor(readonly message: string) {}
}

/** How one database differs in the values it takes and gives. */
export interface ValueHooks {
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
}

// --- timestamps with microseconds --------------------------------------------------

const utcProto = Object.getPrototypeOf(DateTime.unsafeMake(0))

/**
 * A `DateTime.Utc` for an instant given in microseconds. Effect's constructors keep
 * whole milliseconds; this keeps the microseconds as a fraction of `epochMillis`, which
 * equality and ordering respect (Effect's own arithmetic and formatting work in whole
 * milliseconds). Pinned to effect 3.22's shape of `Utc`, checked by test/Table.test.ts.
 */
export const utcFromMicros = (micros: bigint): DateTime.Utc => {
  const whole = micros / 1000n
  const rest = Number(micros - whole * 1000n)
  if (rest === 0) return DateTime.unsafeMake(Number(whole)) as DateTime.Utc
  const self = Object.create(utcProto)
  self.epochMillis = Number(whole) + rest / 1000
  Object.defineProperty(self, "partsUtc", { value: undefined, enumerable: false, writable: true })
  return self
}

/** The instant of a `DateTime`, in microseconds. */
export const microsOf = (dt: DateTime.DateTime): bigint => {
  const millis = dt.epochMillis
  const whole = Math.floor(millis)
  return BigInt(whole) * 1000n + BigInt(Math.round((millis - whole) * 1000))
}

const pad = (n: number | bigint, width: number) => String(n).padStart(width, "0")

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC; the fraction only when there is one. */
export const formatMicros = (micros: bigint, separator = " "): string => {
  let millis = micros / 1000n
  let sub = micros % 1000n
  if (sub < 0n) {
    sub += 1000n
    millis -= 1n
  }
  const date = new Date(Number(millis))
  const fraction = Number(millis % 1000n + 1000n) % 1000 * 1000 + Number(sub)
  const base = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}${separator}${
    pad(date.getUTCHours(), 2)
  }:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`
  return fraction === 0 ? base : `${base}.${pad(fraction, 6)}`
}

const timestampPattern =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/** Parses the timestamps the drivers return (`2024-01-02 03:04:05.123456+00`, ISO forms, dates). */
export const parseTimestamp = (text: string): bigint | undefined => {
  const m = timestampPattern.exec(text.trim())
  if (m === null) return undefined
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m
  const millis = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (Number.isNaN(millis)) return undefined
  const micros = BigInt(millis) * 1000n + BigInt((frac + "000000").slice(0, 6))
  if (zone === undefined || zone.toUpperCase() === "Z") return micros
  const sign = zone[0] === "-" ? -1n : 1n
  const digits = zone.slice(1).replace(":", "")
  const offsetMinutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"))
  return micros - sign * offsetMinutes * 60_000_000n
}

// --- numbers ---------------------------------------------------------------------------

/** A BigDecimal as text at exactly `scale` digits after the point. */
export const formatDecimal = (value: BigDecimal.BigDecimal, scale: number): string => {
  const scaled = BigDecimal.scale(value, scale)
  const digits = (scaled.value < 0n ? -scaled.value : scaled.value).toString().padStart(scale + 1, "0")
  const sign = scaled.value < 0n ? "-" : ""
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`
}

const toDecimal = (raw: unknown, scale: number): BigDecimal.BigDecimal | undefined => {
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

/** A value as an error message quotes it (long text and bytes shortened). */
export const describe = (raw: unknown): string => {
  if (typeof raw === "string") return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)
  if (typeof raw === "bigint") return `${raw}n`
  if (raw instanceof Uint8Array) return `<${raw.length} bytes>`
  if (raw instanceof Date) return `Date(${raw.toISOString()})`
  try {
    return JSON.stringify(raw) ?? String(raw)
  } catch {
    return String(raw)
  }
}

const fail = (raw: unknown, expected: string): never => {
  throw new ValueError(`expected ${expected}, got ${typeof raw} ${describe(raw)}`)
}

const issues = (error: ParseResult.ParseError) =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((i) => (i.path.length === 0 ? i.message : `${i.path.map(String).join(".")}: ${i.message}`))
    .join("; ")

const decodeWith = (schema: Schema.Schema<any, any>, value: unknown, what: string): unknown => {
  const result = Schema.decodeUnknownEither(schema)(value)
  if (Either.isLeft(result)) throw new ValueError(`${what} ${describe(value)} does not match its schema: ${issues(result.left)}`)
  return result.right
}

const encodeWith = (schema: Schema.Schema<any, any>, value: unknown, what: string): unknown => {
  const result = Schema.encodeUnknownEither(schema)(value)
  if (Either.isLeft(result)) throw new ValueError(`${what} does not match its schema: ${issues(result.left)}`)
  return result.right
}

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

/**
 * The driver value of a non-null TypeScript value. Throws `ValueError`.
 */
export const toDriver = (type: ColumnType, value: unknown, hooks: ValueHooks): unknown => {
  switch (type._tag) {
    case "integer":
    case "float":
    case "string":
    case "text":
    case "literal":
      return value
    case "bigint":
      return hooks.bigintParam === "bigint" ? value : String(value)
    case "numeric":
      return formatDecimal(value as BigDecimal.BigDecimal, type.scale)
    case "boolean":
      return hooks.booleanAsInteger ? (value ? 1 : 0) : value
    case "date":
      return formatMicros(microsOf(value as DateTime.Utc)).slice(0, 10)
    case "dateTime":
      return hooks.formatDateTime(microsOf(value as DateTime.Utc), type.timezone)
    case "time":
      return value
    case "uuid":
      return (value as string).toLowerCase()
    case "json":
      return JSON.stringify(encodeWith(type.schema, value, "JSON value"))
    case "binary": {
      const bytes = value as Uint8Array
      return hooks.binaryAsBuffer ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes
    }
    case "custom":
      return encodeWith(type.schema, value, "value")
  }
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
      const n = typeof raw === "number" ? raw : typeof raw === "string" || typeof raw === "bigint" ? Number(raw) : NaN
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
      const micros = raw instanceof Date ? BigInt(raw.getTime()) * 1000n : typeof raw === "string" ? parseTimestamp(raw) : undefined
      if (micros === undefined || micros % 86_400_000_000n !== 0n) return fail(raw, "a date")
      return utcFromMicros(micros)
    }
    case "dateTime": {
      const micros = raw instanceof Date ? BigInt(raw.getTime()) * 1000n : typeof raw === "string" ? parseTimestamp(raw) : undefined
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
