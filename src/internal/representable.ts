/**
 * What each database can store exactly. A value that would be changed on the way in
 * (rounded, replaced, truncated, turned into NULL) or would break the driver is refused
 * here with a `ValueError`, which the row codecs turn into an `EncodeError` naming the
 * table, the column and the value. Called by `toDriver` in `src/internal/values.ts`;
 * the per-database limits come from the dialect's `ValueHooks`.
 */
import { BigDecimal, DateTime } from "effect"
import { inDateRange, microsOf, yearOf } from "./timestamps.js"

/** A driver value that cannot become the column's TypeScript value, or the reverse. */
export class ValueError {
  /** `value`: the refused value, described, when the message is about one value. */
  constructor(readonly message: string, readonly value?: string) {}
}

/** The limits of one database, as the value checks need them (part of `ValueHooks`). */
export interface Limits {
  /** A float column stores NaN (PostgreSQL). */
  readonly floatNaN: boolean
  /** A float column stores ±Infinity (PostgreSQL, SQLite). */
  readonly floatInfinity: boolean
  /** Text may contain U+0000 (not on PostgreSQL, whose text types refuse it). */
  readonly textNul: boolean
  /** The smallest and largest value of an `integer` column. */
  readonly integerRange: readonly [min: number, max: number]
  /** The first and last calendar year a date or timestamp column stores. */
  readonly yearRange: readonly [min: number, max: number]
  /** The deepest nesting of arrays and objects a JSON column stores (MariaDB's JSON_VALID stops at 31). */
  readonly jsonMaxDepth: number
  /** The driver binds arrays and plain objects (node-postgres: arrays as arrays, objects as JSON). */
  readonly bindsObjects: boolean
  /**
   * The characters a `Column.string()` without a length holds: the length its DDL gives it
   * (MariaDB's `VARCHAR(255)`), or `undefined` where it is unbounded.
   */
  readonly unboundedStringLength: number | undefined
}

/** A value as an error message quotes it (long text and bytes shortened). Never throws. */
export const describe = (raw: unknown): string => {
  try {
    if (typeof raw === "string") return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)
    if (typeof raw === "bigint") return `${raw}n`
    if (typeof raw === "symbol" || typeof raw === "function") return typeof raw
    if (raw instanceof Uint8Array) return `<${raw.length} bytes>`
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? "Invalid Date" : `Date(${raw.toISOString()})`
    if (BigDecimal.isBigDecimal(raw)) return BigDecimal.format(raw)
    if (DateTime.isDateTime(raw)) return Number.isFinite(raw.epochMillis) ? DateTime.formatIso(raw) : `DateTime(epochMillis ${raw.epochMillis})`
    const text = JSON.stringify(raw) ?? String(raw)
    return text.length > 80 ? `${text.slice(0, 80)}…` : text
  } catch {
    // A cycle, a bigint inside an object, a getter that throws, a date out of range: its shape only.
    try {
      if (Array.isArray(raw)) return `an array of ${raw.length}`
      const keys = Object.keys(raw as object)
      return `an object {${keys.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 20))).join(", ")}${keys.length > 5 ? ", …" : ""}}`
    } catch {
      return typeof raw
    }
  }
}

export const refuse = (message: string): never => {
  throw new ValueError(message)
}

/** Where a lone surrogate sits in `s` (UTF-8 cannot encode it: drivers write U+FFFD), or -1. */
const loneSurrogate = (s: string): number => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
      else return i
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return i
    }
  }
  return -1
}

/** Text every database stores as given. */
export const checkText = (s: string, limits: Limits, what = "text"): string => {
  // A well-formed string is the common case, and isWellFormed is native where available.
  const wellFormed = (s as { isWellFormed?: () => boolean }).isWellFormed
  if (wellFormed === undefined ? loneSurrogate(s) !== -1 : !wellFormed.call(s)) {
    const at = loneSurrogate(s)
    refuse(`${what} has a lone UTF-16 surrogate (\\u${s.charCodeAt(at).toString(16)} at index ${at}), which UTF-8 cannot store`)
  }
  if (!limits.textNul && s.includes("\u0000")) refuse(`${what} contains U+0000, which this database's text types refuse`)
  return s
}

/**
 * Text for a `Column.string()` without a length: within the length the database gives such a
 * column, counted in code points as the databases count characters.
 */
export const checkUnboundedString = (s: string, limits: Limits): string => {
  const max = limits.unboundedStringLength
  // UTF-16 units bound code points from above: only a string longer in units needs counting.
  if (max !== undefined && s.length > max) {
    const chars = [...s].length
    if (chars > max) refuse(`text of ${chars} characters is longer than the ${max} a Column.string() without a length holds on this database (give it a length, or use Column.text)`)
  }
  return s
}

/** A float as the database stores it; -0 is 0 (no driver here keeps the sign). */
export const checkFloat = (n: unknown, limits: Limits): number => {
  if (typeof n !== "number") return refuse(`expected a number, got ${typeof n} ${describe(n)}`)
  if (Number.isNaN(n) && !limits.floatNaN) refuse("NaN cannot be stored in a float column on this database")
  if ((n === Infinity || n === -Infinity) && !limits.floatInfinity) refuse(`${n} cannot be stored in a float column on this database`)
  return n === 0 ? 0 : n
}

/** An `integer` column's value: a safe integer within the column's range. */
export const checkInteger = (n: unknown, limits: Limits): number => {
  if (typeof n !== "number" || !Number.isSafeInteger(n)) return refuse(`expected an integer, got ${typeof n} ${describe(n)}`)
  const [min, max] = limits.integerRange
  if (n < min || n > max) refuse(`${n} is outside the range of an integer column on this database (${min} to ${max}; use Column.bigint)`)
  return n === 0 ? 0 : n
}

const int64 = [-(2n ** 63n), 2n ** 63n - 1n] as const

/** A `bigint` column's value: a signed 64-bit integer. */
export const checkBigint = (n: unknown): bigint => {
  if (typeof n !== "bigint") return refuse(`expected a bigint, got ${typeof n} ${describe(n)}`)
  if (n < int64[0] || n > int64[1]) refuse(`${n}n is outside the signed 64-bit range of a bigint column`)
  return n
}

/** The digits of a decimal after normalization: how many before and after the point. */
const digitsOf = (value: BigDecimal.BigDecimal) => {
  const n = BigDecimal.normalize(value)
  const length = (n.value < 0n ? -n.value : n.value).toString().length
  const scale = Math.max(0, n.scale)
  const integer = n.value === 0n ? 0 : Math.max(0, length - n.scale)
  return { scale, integer }
}

/**
 * A `numeric(precision, scale)` value to write: refused when it has more digits after the
 * point than the column keeps (the databases would round it) or more before it than
 * `precision - scale` (they would refuse it, or clip it on MariaDB without strict mode).
 */
export const checkDecimal = (value: unknown, precision: number, scale: number): BigDecimal.BigDecimal => {
  if (!BigDecimal.isBigDecimal(value)) return refuse(`expected a BigDecimal, got ${typeof value} ${describe(value)}`)
  const digits = digitsOf(value)
  if (digits.scale > scale) {
    refuse(`${BigDecimal.format(value)} has ${digits.scale} digits after the point; the column keeps ${scale} (round it first)`)
  }
  if (digits.integer > precision - scale) {
    refuse(`${BigDecimal.format(value)} has ${digits.integer} digits before the point; numeric(${precision}, ${scale}) holds ${precision - scale}`)
  }
  return value
}

/** The scale a decimal in a comparison is bound at: the column's, or more, so that it is never rounded. */
export const comparisonScale = (value: unknown, scale: number): number => {
  if (!BigDecimal.isBigDecimal(value)) return refuse(`expected a BigDecimal, got ${typeof value} ${describe(value)}`)
  const digits = digitsOf(value)
  // PostgreSQL's numeric, the widest here, has 16,383 digits after the point; far fewer is plenty.
  if (digits.integer + digits.scale > 1000) refuse(`${BigDecimal.format(value)} has more than 1000 digits`)
  return Math.max(scale, digits.scale)
}

/** The instant of a date or timestamp value, within the years the database stores. */
export const checkInstant = (value: unknown, limits: Limits): bigint => {
  if (!DateTime.isDateTime(value)) return refuse(`expected a DateTime, got ${typeof value} ${describe(value)}`)
  if (!Number.isFinite(value.epochMillis)) return refuse(`the DateTime has no instant (epochMillis is ${value.epochMillis})`)
  const micros = microsOf(value)
  if (!inDateRange(micros)) return refuse(`the DateTime is outside JavaScript's range of dates`)
  const year = yearOf(micros)
  const [min, max] = limits.yearRange
  if (year < min || year > max) {
    refuse(`year ${year} is outside the years this database stores (${min} to ${max})`)
  }
  return micros
}

const isPlainObject = (u: object): boolean => {
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

const kindOf = (u: unknown): string =>
  u === undefined ? "undefined" : typeof u !== "object" || u === null ? typeof u : (u.constructor?.name ?? "an object")

/**
 * A JSON value that `JSON.stringify` writes and `JSON.parse` reads back as itself:
 * null, booleans, finite numbers, well-formed strings, dense arrays and plain objects,
 * no deeper than the database allows, without cycles. Properties whose value is
 * `undefined` are left out, as JSON.stringify does. Anything else is refused with its
 * path, rather than silently changed (NaN to null, a Date to a string) or thrown (a
 * bigint, a cycle, a stack overflow).
 */
export const checkJson = (root: unknown, limits: Limits): void => {
  const ancestors = new Set<object>()
  // A path 1000 levels deep is no help in a message: its start and its end are.
  const short = (path: string) => (path.length <= 80 ? path : `${path.slice(0, 40)}…${path.slice(-30)}`)
  const walk = (value: unknown, path: string, depth: number): void => {
    switch (typeof value) {
      case "string":
        checkText(value, limits, `the JSON string at ${short(path)}`)
        return
      case "boolean":
        return
      case "number":
        if (!Number.isFinite(value)) refuse(`the JSON value at ${short(path)} is ${value}, which JSON cannot hold`)
        return
      case "object":
        break
      default:
        return refuse(`the JSON value at ${short(path)} is ${typeof value === "bigint" ? "a bigint" : kindOf(value)}, which JSON cannot hold`)
    }
    if (value === null || typeof value !== "object") return
    if (ancestors.has(value)) refuse(`the JSON value at ${short(path)} contains itself (a cycle)`)
    if (depth >= limits.jsonMaxDepth) refuse(`the JSON value nests deeper than ${limits.jsonMaxDepth} levels at ${short(path)}, the limit on this database`)
    ancestors.add(value)
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) refuse(`the JSON array at ${short(path)} has a hole at index ${i}`)
        if (value[i] === undefined) refuse(`the JSON value at ${short(path)}[${i}] is undefined, which JSON cannot hold`)
        walk(value[i], `${path}[${i}]`, depth + 1)
      }
    } else {
      if (!isPlainObject(value)) refuse(`the JSON value at ${short(path)} is ${kindOf(value)}, not a plain object`)
      for (const key of Object.keys(value)) {
        checkText(key, limits, `the JSON key ${JSON.stringify(key.slice(0, 40))} at ${short(path)}`)
        const child = (value as Record<string, unknown>)[key]
        if (child !== undefined) walk(child, `${path}.${key}`, depth + 1)
      }
    }
    ancestors.delete(value)
  }
  try {
    walk(root, "$", 0)
  } catch (e) {
    if (e instanceof ValueError) throw e
    // A getter or a Proxy that throws: the value cannot be read, let alone written.
    refuse(`the JSON value cannot be read: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/**
 * What a `custom` column's schema encoded, as the driver binds it: text, numbers,
 * bigints, booleans (1 / 0 where the database has no boolean), bytes, null; on
 * PostgreSQL also arrays and plain objects (checked as JSON).
 */
export const checkCustom = (
  value: unknown,
  limits: Limits,
  convert: { readonly boolean: (b: boolean) => unknown; readonly bytes: (b: Uint8Array) => unknown }
): unknown => {
  switch (typeof value) {
    case "string":
      return checkText(value, limits)
    case "number":
      return checkFloat(value, limits)
    case "bigint":
      return checkBigint(value)
    case "boolean":
      return convert.boolean(value)
  }
  if (value === null) return null
  if (value instanceof Uint8Array) return convert.bytes(value)
  if (limits.bindsObjects && typeof value === "object" && (Array.isArray(value) || isPlainObject(value))) {
    checkJson(value, limits)
    return value
  }
  return refuse(`the column's schema encoded ${kindOf(value)} ${describe(value)}; the driver binds text, numbers, bigints, booleans, bytes or null`)
}
