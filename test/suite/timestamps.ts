/**
 * `Timestamp` values on a real database: made from microseconds or parsed from ISO text,
 * written to `Column.dateTime()` columns with and without time zone, read back with the
 * same microseconds, and compared in a WHERE clause to the microsecond.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import * as Column from "../../src/Column.js"
import type * as Expr from "../../src/Expr.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import * as Timestamp from "../../src/Timestamp.js"
import type { Suite } from "../harness/targets.js"

class Moment extends Table.Class<Moment>("Moment")("ts_moments", {
  id: Column.integer({ primaryKey: true }),
  at: Column.dateTime(),
  atTz: Column.dateTime({ timezone: true, name: "at_tz" })
}) {}

const metadata = MetaData.make(Moment)

const micros = 1_714_557_600_123_456n

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("Timestamp", (it) => {
    it.effect("a value from microseconds round-trips exactly in both kinds of dateTime column", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const value = Timestamp.unsafeFromMicros(micros)
        yield* Query.execute(Query.insert(Moment).values({ id: 1, at: value, atTz: value }))
        const [row] = yield* Query.execute(Query.select(Moment))
        assert.strictEqual(Timestamp.toMicros(row!.at), micros)
        assert.strictEqual(Timestamp.toMicros(row!.atTz), micros)
        assert.strictEqual(Timestamp.formatIso(row!.at), "2024-05-01T10:00:00.123456Z")
        assert.isTrue(DateTime.Equivalence(row!.at, value))
        yield* metadata.dropAll
      }))

    it.effect("compares to the microsecond in a where clause (eq, gt, lt)", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const at = (n: bigint) => Timestamp.unsafeFromMicros(n)
        yield* Query.execute(Query.insert(Moment).values([
          { id: 1, at: at(micros - 1n), atTz: at(micros - 1n) },
          { id: 2, at: at(micros), atTz: at(micros) },
          { id: 3, at: at(micros + 1n), atTz: at(micros + 1n) }
        ]))
        const ids = (where: Expr.Expr<boolean>) =>
          Query.execute(Query.select(Moment).where(where).orderBy(Moment.c.id)).pipe(Effect.map((rows) => rows.map((r) => r.id)))
        const value = at(micros)
        assert.deepStrictEqual(yield* ids(Moment.c.at.eq(value)), [2])
        assert.deepStrictEqual(yield* ids(Moment.c.atTz.eq(value)), [2])
        assert.deepStrictEqual(yield* ids(Moment.c.at.gt(value)), [3])
        assert.deepStrictEqual(yield* ids(Moment.c.atTz.gt(value)), [3])
        assert.deepStrictEqual(yield* ids(Moment.c.at.lt(value)), [1])
        assert.deepStrictEqual(yield* ids(Moment.c.atTz.gte(value)), [2, 3])
        // A millisecond value from Effect sits below every microsecond past it.
        assert.deepStrictEqual(yield* ids(Moment.c.at.gt(DateTime.unsafeMake("2024-05-01T10:00:00.123Z"))), [1, 2, 3])
        yield* metadata.dropAll
      }))

    it.effect("parsed values (with offsets) round-trip and compare", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const texts = [
          "2024-05-01T10:00:00.123456Z",
          "2024-05-01T12:00:00.654321+02:00",
          "1999-12-31T23:59:59.999999-05:30",
          "0001-01-01T00:00:00.000001Z",
          "9999-12-31T23:59:59.999999Z"
        ]
        const values = texts.map((t) => Timestamp.unsafeParse(t))
        yield* Query.execute(Query.insert(Moment).values(values.map((v, i) => ({ id: i + 1, at: v, atTz: v }))))
        const rows = yield* Query.execute(Query.select(Moment).orderBy(Moment.c.id))
        assert.deepStrictEqual(rows.map((r) => Timestamp.toMicros(r.at)), values.map(Timestamp.toMicros))
        assert.deepStrictEqual(rows.map((r) => Timestamp.toMicros(r.atTz)), values.map(Timestamp.toMicros))
        assert.deepStrictEqual(rows.map((r) => Timestamp.formatIso(r.atTz)), [
          "2024-05-01T10:00:00.123456Z",
          "2024-05-01T10:00:00.654321Z",
          "2000-01-01T05:29:59.999999Z",
          "0001-01-01T00:00:00.000001Z",
          "9999-12-31T23:59:59.999999Z"
        ])
        const same = Option.getOrThrow(Timestamp.parse("2024-05-01T06:00:00.654321-04:00"))
        const found = yield* Query.execute(Query.select(Moment).where(Moment.c.atTz.eq(same)))
        assert.deepStrictEqual(found.map((r) => r.id), [2])
        yield* metadata.dropAll
      }))
  })
}
