/**
 * Timestamps to the microsecond. Effect's `DateTime` constructors and formatting work in
 * whole milliseconds; the databases keep microseconds, and so do `Column.dateTime()` values
 * read from them. This module makes such values from microseconds or ISO text and gives
 * their exact instant back, without a `Column.codec`.
 *
 * A `DateTime.Utc` made here carries its microseconds as a fraction of `epochMillis`:
 * equality, ordering and writing to a column respect it; Effect's own arithmetic
 * (`DateTime.add`, …) makes a new value in whole milliseconds.
 *
 * @module
 * @since 0.3.0
 */
import { type DateTime, Option } from "effect"
import { formatIsoMicros, inDateRange, microsOf, parseIso, utcFromMicros } from "./internal/timestamps.js"

/**
 * The `DateTime.Utc` of an instant given in microseconds since 1970-01-01T00:00:00Z, or
 * `None` outside JavaScript's dates (±8.64e18 µs, about ±273,790 years).
 *
 * @example
 * import { Option } from "effect"
 * import { Timestamp } from "retort-orm"
 * const at = Timestamp.fromMicros(1_714_557_600_123_456n) // Some(2024-05-01T10:00:00.123456Z)
 * Option.isNone(Timestamp.fromMicros(10n ** 20n)) // true
 *
 * @since 0.3.0
 * @category constructors
 */
export const fromMicros = (micros: bigint): Option.Option<DateTime.Utc> =>
  typeof micros === "bigint" && inDateRange(micros) ? Option.some(utcFromMicros(micros)) : Option.none()

/**
 * As {@link fromMicros}, throwing a `RangeError` outside JavaScript's dates (and a
 * `TypeError` for anything but a bigint).
 *
 * @example
 * import { Timestamp } from "retort-orm"
 * const at = Timestamp.unsafeFromMicros(1_714_557_600_123_456n)
 * Timestamp.toMicros(at) // 1714557600123456n
 *
 * @since 0.3.0
 * @category constructors
 */
export const unsafeFromMicros = (micros: bigint): DateTime.Utc => {
  if (typeof micros !== "bigint") throw new TypeError(`Timestamp.unsafeFromMicros: expected a bigint, got ${typeof micros}`)
  if (!inDateRange(micros)) throw new RangeError(`Timestamp.unsafeFromMicros: ${micros}n µs is outside JavaScript's range of dates`)
  return utcFromMicros(micros)
}

/**
 * The instant of a `DateTime` in microseconds since 1970-01-01T00:00:00Z: exact for a value
 * made by this module or read from a column, the milliseconds times 1000 for one made by
 * Effect. A zoned value gives its instant (the zone does not change it).
 *
 * @example
 * import { DateTime } from "effect"
 * import { Timestamp } from "retort-orm"
 * Timestamp.toMicros(DateTime.unsafeMake("2024-05-01T10:00:00.123Z")) // 1714557600123000n
 *
 * @since 0.3.0
 * @category getters
 */
export const toMicros = (dt: DateTime.DateTime): bigint => {
  if (!Number.isFinite(dt.epochMillis)) throw new RangeError(`Timestamp.toMicros: the DateTime has no instant (epochMillis is ${dt.epochMillis})`)
  return microsOf(dt)
}

/**
 * An ISO 8601 timestamp to the microsecond as a `DateTime.Utc`, or `None`. Takes
 * `2024-05-01T10:00:00.123456Z`, an offset (`+02:00`, `+0200`, `+02`), no zone (read as
 * UTC, as `DateTime.make` does), a date alone (midnight UTC), a space for the `T`, six-digit
 * years with a sign. A fraction finer than a microsecond is refused rather than rounded
 * (unless its further digits are zeros), as is a field out of range (month 13, February 30,
 * 24:00, a leap second) or an offset past ±23:59.
 *
 * @example
 * import { Timestamp } from "retort-orm"
 * const at = Timestamp.parse("2024-05-01T12:00:00.123456+02:00") // Some(2024-05-01T10:00:00.123456Z)
 * Timestamp.parse("2024-13-01T00:00:00Z") // None
 *
 * @since 0.3.0
 * @category parsing
 */
export const parse = (iso: string): Option.Option<DateTime.Utc> => {
  const micros = typeof iso === "string" ? parseIso(iso) : undefined
  return micros === undefined ? Option.none() : Option.some(utcFromMicros(micros))
}

/**
 * As {@link parse}, throwing a `RangeError` for text it does not take.
 *
 * @example
 * import { Timestamp } from "retort-orm"
 * const at = Timestamp.unsafeParse("2024-05-01T10:00:00.123456Z")
 *
 * @since 0.3.0
 * @category parsing
 */
export const unsafeParse = (iso: string): DateTime.Utc => {
  const parsed = parse(iso)
  if (Option.isNone(parsed)) {
    const shown = typeof iso === "string" ? JSON.stringify(iso.length > 80 ? `${iso.slice(0, 80)}…` : iso) : typeof iso
    throw new RangeError(`Timestamp.unsafeParse: ${shown} is not an ISO 8601 timestamp to the microsecond`)
  }
  return parsed.value
}

/**
 * The instant as ISO 8601 text in UTC, as `DateTime.formatIso` writes it, with six fraction
 * digits when the value has a part finer than a millisecond (`2024-05-01T10:00:00.123456Z`),
 * three otherwise (`2024-05-01T10:00:00.123Z`). {@link parse} reads it back exactly.
 *
 * @example
 * import { Timestamp } from "retort-orm"
 * Timestamp.formatIso(Timestamp.unsafeFromMicros(1_714_557_600_123_456n)) // "2024-05-01T10:00:00.123456Z"
 *
 * @since 0.3.0
 * @category formatting
 */
export const formatIso = (dt: DateTime.DateTime): string => formatIsoMicros(toMicros(dt))
