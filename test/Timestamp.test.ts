/**
 * `Timestamp` without a database: microseconds in and out, the range edges, ISO parsing
 * (what it takes, what it refuses) and formatting.
 */
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Equal, Option } from "effect"
import * as Timestamp from "../src/Timestamp.js"

const max = 8_640_000_000_000_000_000n
const some = (text: string) => Timestamp.formatIso(Option.getOrThrow(Timestamp.parse(text)))

describe("Timestamp", () => {
  it("fromMicros / toMicros are exact, equality and ordering see the microseconds", () => {
    const micros = 1_714_557_600_123_456n
    const dt = Timestamp.unsafeFromMicros(micros)
    assert.isTrue(DateTime.isUtc(dt))
    assert.strictEqual(Timestamp.toMicros(dt), micros)
    assert.strictEqual(Timestamp.formatIso(dt), "2024-05-01T10:00:00.123456Z")
    assert.isTrue(Equal.equals(dt, Timestamp.unsafeFromMicros(micros)))
    assert.isFalse(Equal.equals(dt, Timestamp.unsafeFromMicros(micros + 1n)))
    assert.isTrue(DateTime.lessThan(dt, Timestamp.unsafeFromMicros(micros + 1n)))
    assert.isTrue(Equal.equals(Option.getOrThrow(Timestamp.fromMicros(micros)), dt))
    // Whole milliseconds are Effect's own values.
    assert.isTrue(Equal.equals(Timestamp.unsafeFromMicros(1_714_557_600_123_000n), DateTime.unsafeMake("2024-05-01T10:00:00.123Z")))
    // Precision beyond a double's: far from 1970 the exact value rides along.
    const far = 250_000_000_000_000_000n + 7n
    assert.strictEqual(Timestamp.toMicros(Timestamp.unsafeFromMicros(far)), far)
  })

  it("toMicros of Effect's values and of a zoned value", () => {
    assert.strictEqual(Timestamp.toMicros(DateTime.unsafeMake("2024-05-01T10:00:00.123Z")), 1_714_557_600_123_000n)
    assert.strictEqual(Timestamp.toMicros(DateTime.unsafeMake(0)), 0n)
    assert.strictEqual(Timestamp.toMicros(DateTime.unsafeMake(-1)), -1000n)
    const zoned = DateTime.unsafeMakeZoned(Timestamp.unsafeFromMicros(1_714_557_600_123_456n), { timeZone: "Europe/Paris" })
    assert.strictEqual(Timestamp.toMicros(zoned), 1_714_557_600_123_456n)
    assert.strictEqual(Timestamp.formatIso(zoned), "2024-05-01T10:00:00.123456Z")
  })

  it("the range edges: JavaScript's dates, ±8.64e18 µs", () => {
    assert.strictEqual(Timestamp.formatIso(Timestamp.unsafeFromMicros(max)), "+275760-09-13T00:00:00.000Z")
    assert.strictEqual(Timestamp.formatIso(Timestamp.unsafeFromMicros(-max)), "-271821-04-20T00:00:00.000Z")
    assert.strictEqual(Timestamp.toMicros(Timestamp.unsafeFromMicros(-max)), -max)
    assert.isTrue(Option.isNone(Timestamp.fromMicros(max + 1n)))
    assert.isTrue(Option.isNone(Timestamp.fromMicros(-max - 1n)))
    assert.throws(() => Timestamp.unsafeFromMicros(max + 1n), RangeError)
    assert.throws(() => Timestamp.unsafeFromMicros(-max - 1n), RangeError)
    assert.isTrue(Option.isNone(Timestamp.fromMicros(1.5 as unknown as bigint)))
    assert.throws(() => Timestamp.unsafeFromMicros(1 as unknown as bigint), TypeError)
    // Just before the epoch.
    assert.strictEqual(Timestamp.formatIso(Timestamp.unsafeFromMicros(-1n)), "1969-12-31T23:59:59.999999Z")
    assert.strictEqual(Timestamp.toMicros(Timestamp.unsafeFromMicros(-1n)), -1n)
  })

  it("parse takes ISO 8601 to the microsecond, with offsets", () => {
    assert.strictEqual(some("2024-05-01T10:00:00.123456Z"), "2024-05-01T10:00:00.123456Z")
    assert.strictEqual(some("2024-05-01T12:00:00.123456+02:00"), "2024-05-01T10:00:00.123456Z")
    assert.strictEqual(some("2024-05-01T05:30:00.000001-0430"), "2024-05-01T10:00:00.000001Z")
    assert.strictEqual(some("2024-05-01T11:00:00.5+01"), "2024-05-01T10:00:00.500Z")
    assert.strictEqual(some("2024-05-01t10:00:00z"), "2024-05-01T10:00:00.000Z")
    assert.strictEqual(some("2024-05-01 10:00:00,25Z"), "2024-05-01T10:00:00.250Z")
    assert.strictEqual(some("2024-05-01T10:00"), "2024-05-01T10:00:00.000Z")
    assert.strictEqual(some("2024-05-01"), "2024-05-01T00:00:00.000Z")
    assert.strictEqual(some("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00.000Z")
    assert.strictEqual(some("2024-05-01T10:00:00.123456000Z"), "2024-05-01T10:00:00.123456Z")
    assert.strictEqual(some("+275760-09-13T00:00:00Z"), "+275760-09-13T00:00:00.000Z")
    assert.strictEqual(some("-000001-12-31T00:00:00Z"), "-000001-12-31T00:00:00.000Z")
    // No zone is UTC, as DateTime.make reads it.
    assert.isTrue(Equal.equals(Timestamp.unsafeParse("2024-05-01T10:00:00.123"), DateTime.unsafeMake("2024-05-01T10:00:00.123")))
    // formatIso and parse are inverses.
    for (const micros of [0n, 1n, -1n, 1_714_557_600_123_456n, 253_402_300_799_999_999n, -62_135_596_800_000_000n]) {
      const dt = Timestamp.unsafeFromMicros(micros)
      assert.strictEqual(Timestamp.toMicros(Timestamp.unsafeParse(Timestamp.formatIso(dt))), micros)
    }
  })

  it("parse refuses what is not a timestamp it can hold exactly", () => {
    for (
      const text of [
        "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-04-31",
        "2024-05-01T24:00:00Z",
        "2024-05-01T23:60:00Z",
        "2024-05-01T23:59:60Z",
        "2024-05-01T10:00:00.1234567Z",
        "2024-05-01T10:00:00+24:00",
        "2024-05-01T10:00:00+01:60",
        "2024-05-01T10:00:00.Z",
        "2024-05-01Z",
        "2024-5-1",
        "20240501T100000Z",
        " 2024-05-01T10:00:00Z",
        "2024-05-01T10:00:00Z ",
        "+275760-09-13T00:00:00.001Z",
        "-000000-01-01T00:00:00Z",
        "garbage",
        ""
      ]
    ) {
      assert.isTrue(Option.isNone(Timestamp.parse(text)), text)
      assert.throws(() => Timestamp.unsafeParse(text), RangeError)
    }
    assert.isTrue(Option.isNone(Timestamp.parse(42 as unknown as string)))
  })

  it("formatIso: six digits when finer than a millisecond, Effect's form otherwise", () => {
    const ms = DateTime.unsafeMake("2024-05-01T10:00:00.120Z")
    assert.strictEqual(Timestamp.formatIso(ms), DateTime.formatIso(ms))
    assert.strictEqual(Timestamp.formatIso(Timestamp.unsafeFromMicros(1_714_557_600_000_010n)), "2024-05-01T10:00:00.000010Z")
    assert.strictEqual(Timestamp.formatIso(Timestamp.unsafeFromMicros(-62_135_596_800_000_000n + 1n)), "0001-01-01T00:00:00.000001Z")
  })
})
