/**
 * Instants in microseconds, and the text forms the databases read and write. Calendar
 * arithmetic is done here on integers (proleptic Gregorian, any year) rather than with
 * `Date.UTC`, which reads years 0–99 as 1900–1999. Used by `src/internal/values.ts`.
 */
import { DateTime } from "effect"

const utcProto = Object.getPrototypeOf(DateTime.unsafeMake(0))

/**
 * The exact instant a `DateTime.Utc` made by {@link utcFromMicros} stands for. A double
 * holds `epochMillis` to the microsecond only between about 1830 and 2109; beyond, the
 * fraction is rounded, so the exact value rides along, invisible to Effect (not
 * enumerable, and lost by any DateTime operation, which makes a new value).
 */
const exactMicros: unique symbol = Symbol.for("retort/DateTime/micros")

/** The range of JavaScript dates (±8.64e15 ms), in microseconds. */
const maxMicros = 8_640_000_000_000_000_000n

/** True when `micros` is an instant a `DateTime` can hold. */
export const inDateRange = (micros: bigint): boolean => micros >= -maxMicros && micros <= maxMicros

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
  Object.defineProperty(self, exactMicros, { value: micros, enumerable: false })
  return self
}

/** The instant of a `DateTime`, in microseconds. Its `epochMillis` must be finite (see `representable.ts`). */
export const microsOf = (dt: DateTime.DateTime): bigint => {
  const exact = (dt as unknown as { readonly [exactMicros]?: bigint })[exactMicros]
  if (exact !== undefined) return exact
  const millis = dt.epochMillis
  const whole = Math.floor(millis)
  return BigInt(whole) * 1000n + BigInt(Math.round((millis - whole) * 1000))
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** The proleptic Gregorian date of a day count since 1970-01-01 (`civil_from_days`). */
const civilFromDays = (days: number): { readonly year: number; readonly month: number; readonly day: number } => {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

const dayMicros = 86_400_000_000n

/** The UTC calendar year of an instant. */
export const yearOf = (micros: bigint): number => {
  let days = micros / dayMicros
  if (micros % dayMicros < 0n) days -= 1n
  return civilFromDays(Number(days)).year
}

const pad = (n: number | bigint, width: number) => String(n).padStart(width, "0")

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC; the fraction only when there is one. For years
 * 1 to 9999 and beyond (five digits and more); the callers refuse years before 1.
 */
export const formatMicros = (micros: bigint, separator = " "): string => {
  let days = micros / dayMicros
  let rest = micros % dayMicros
  if (rest < 0n) {
    rest += dayMicros
    days -= 1n
  }
  const { day, month, year } = civilFromDays(Number(days))
  const seconds = rest / 1_000_000n
  const fraction = rest % 1_000_000n
  const base = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}${separator}${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${
    pad(seconds % 60n, 2)
  }`
  return fraction === 0n ? base : `${base}.${pad(fraction, 6)}`
}

const timestampPattern =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/i

/**
 * Parses the timestamps the drivers return (`2024-01-02 03:04:05.123456+00`, ISO forms,
 * dates, offsets with seconds as PostgreSQL gives them for local mean time). A field out
 * of range (month 13, February 30) or an instant outside JavaScript's dates is `undefined`.
 */
export const parseTimestamp = (text: string): bigint | undefined => {
  const m = timestampPattern.exec(text.trim())
  if (m === null) return undefined
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (!Number.isSafeInteger(year) || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined
  const seconds = BigInt(daysFromCivil(year, month, day)) * 86_400n + BigInt(Number(h) * 3600 + Number(mi) * 60 + Number(s))
  // Digits past the microsecond are dropped: no database here stores them.
  let micros = seconds * 1_000_000n + BigInt((frac + "000000").slice(0, 6))
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const sign = zone[0] === "-" ? -1n : 1n
    const digits = zone.slice(1).replace(/:/g, "")
    const offsetSeconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || "0") * 60 + Number(digits.slice(4, 6) || "0")
    micros -= sign * BigInt(offsetSeconds) * 1_000_000n
  }
  return inDateRange(micros) ? micros : undefined
}

const isoPattern =
  /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?)?$/i

/**
 * The instant of an ISO 8601 / RFC 3339 timestamp, as users write them: `2024-05-01`,
 * `2024-05-01T10:00:00.123456Z`, an offset (`+02:00`, `+0200`, `+02`), no zone meaning UTC
 * (as Effect's `DateTime.make` reads it), six-digit years with a sign. `undefined` for
 * anything else: a field out of range, an offset past ±23:59, a fraction finer than a
 * microsecond (unless its further digits are zeros: nothing is rounded), an instant
 * outside JavaScript's dates.
 */
export const parseIso = (text: string): bigint | undefined => {
  const m = isoPattern.exec(text)
  if (m === null) return undefined
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone, zh = "0", zm = "0"] = m
  if (y === "-000000") return undefined
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined
  if (/[1-9]/.test(frac.slice(6))) return undefined
  if (Number(zh) > 23 || Number(zm) > 59) return undefined
  const seconds = BigInt(daysFromCivil(year, month, day)) * 86_400n + BigInt(Number(h) * 3600 + Number(mi) * 60 + Number(s))
  let micros = seconds * 1_000_000n + BigInt((frac + "000000").slice(0, 6))
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const offset = BigInt(Number(zh) * 3600 + Number(zm) * 60) * 1_000_000n
    micros -= zone[0] === "-" ? -offset : offset
  }
  return inDateRange(micros) ? micros : undefined
}

/**
 * `toISOString`'s form of an instant (UTC, `Z`, six-digit years with a sign outside 0–9999),
 * with six fraction digits when it has a part finer than a millisecond, three otherwise.
 */
export const formatIsoMicros = (micros: bigint): string => {
  let millis = micros / 1000n
  let sub = micros % 1000n
  if (sub < 0n) {
    sub += 1000n
    millis -= 1n
  }
  const iso = new Date(Number(millis)).toISOString()
  return sub === 0n ? iso : `${iso.slice(0, -1)}${pad(sub, 3)}Z`
}
