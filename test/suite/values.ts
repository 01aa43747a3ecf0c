/**
 * Value fidelity on a real database: every value a column takes reads back exactly, and
 * every value it cannot store exactly is refused with an `EncodeError` naming the table,
 * the column and the value, before anything is written. Years 1–9999, decimals past
 * their scale or precision, NaN and ±Infinity per database, lone surrogates and U+0000,
 * JSON with bigints, cycles and deep nesting, integers past the column's range, a LIKE
 * escape of two characters, UPDATE values checked like INSERT values.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { BigDecimal, DateTime, Effect, Exit, ParseResult, Schema } from "effect"
import * as Column from "../../src/Column.js"
import type * as Dialect from "../../src/Dialect.js"
import * as Engine from "../../src/Engine.js"
import type { EncodeError } from "../../src/Errors.js"
import { microsOf, utcFromMicros } from "../../src/internal/values.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import { failure } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

class Value extends Table.Class<Value>("Value")("fidelity", {
  id: Column.integer({ primaryKey: true, autoIncrement: false }),
  int: Column.integer({ nullable: true }),
  big: Column.bigint({ nullable: true }),
  real: Column.float({ nullable: true }),
  price: Column.numeric({ precision: 10, scale: 2, nullable: true }),
  name: Column.string({ length: 20, nullable: true }),
  body: Column.text({ nullable: true }),
  day: Column.date({ nullable: true }),
  at: Column.dateTime({ nullable: true }),
  atTz: Column.dateTime({ timezone: true, nullable: true, name: "at_tz" }),
  clock: Column.time({ nullable: true }),
  doc: Column.json(Schema.Unknown, { nullable: true }),
  strict: Column.json(Schema.NullOr(Schema.Struct({ n: Schema.Number })), { name: "strict_doc" }),
  /** Not its own inverse: -1 encodes to "-1", which it does not decode. */
  digits: Column.custom(
    Schema.transformOrFail(Schema.String, Schema.Number, {
      strict: true,
      decode: (s, _, ast) => (/^\d+$/.test(s) ? ParseResult.succeed(Number(s)) : ParseResult.fail(new ParseResult.Type(ast, s, "digits only"))),
      encode: (n) => ParseResult.succeed(String(n))
    }),
    { sqlType: "VARCHAR(40)", nullable: true }
  )
}) {}

const metadata = MetaData.make(Value)

type Row = typeof Value.insert.Type

const utc = (iso: string) => DateTime.unsafeMake(iso) as DateTime.Utc
const decimal = (text: string) => BigDecimal.unsafeFromString(text)
/** A DateTime.Utc of a given year (DateTime.unsafeMake parses "0001-…" as year 1). */
const inYear = (year: number, rest = "-01-01T00:00:00Z") => {
  const d = new Date(`2000${rest}`)
  d.setUTCFullYear(year)
  return DateTime.unsafeMake(d.getTime()) as DateTime.Utc
}
const nested = (depth: number): unknown => {
  let v: unknown = []
  for (let i = 1; i < depth; i++) v = [v]
  return v
}
const quote = (dialect: Dialect.DialectName) => (s: string) => (dialect === "mysql" ? `\`${s}\`` : `"${s}"`)

const count = (dialect: Dialect.DialectName) =>
  Effect.map(Engine.execute(`SELECT COUNT(*) AS n FROM ${quote(dialect)("fidelity")}`), (rows) => Number(rows[0]!["n"]))

const reset = Effect.zipRight(metadata.dropAll, metadata.createAll)

const insert = (rows: Row | ReadonlyArray<Row>) => Query.execute(Query.insert(Value).values(rows as ReadonlyArray<Row>))
const readBack = Effect.map(Query.execute(Query.select(Value).orderBy(Value.c.id)), (rows) => rows)

/** The EncodeError an insert of `row` fails with; checks that it names table and column, and that nothing was written. */
const refused = (dialect: Dialect.DialectName, row: Row, column: string) =>
  Effect.gen(function*() {
    const error = failure(yield* Effect.exit(insert(row))) as EncodeError
    assert.strictEqual(error._tag, "EncodeError", String(error))
    assert.strictEqual(error.table, "fidelity")
    assert.strictEqual(error.column, column, error.message)
    assert.isString(error.value, error.message)
    assert.include(error.message, "fidelity")
    assert.strictEqual(yield* count(dialect), 0, `${error.message}: a row was written`)
    return error
  })

/** What each database stores, as the README's "Column types" section states it. */
const contract = {
  sqlite: { floatNaN: false, floatInfinity: true, textNul: true, integerRange: [-(2 ** 53 - 1), 2 ** 53 - 1], yearRange: [1, 9999], jsonMaxDepth: 1000 },
  postgresql: { floatNaN: true, floatInfinity: true, textNul: false, integerRange: [-(2 ** 31), 2 ** 31 - 1], yearRange: [1, 275760], jsonMaxDepth: 1000 },
  mysql: { floatNaN: false, floatInfinity: false, textNul: true, integerRange: [-(2 ** 31), 2 ** 31 - 1], yearRange: [1, 9999], jsonMaxDepth: 31 }
} as const

export const suite: Suite = (layer, target) => {
  const d = target.dialect
  const hooks = contract[d]

  testLayer(layer, { excludeTestServices: true })("Value fidelity", (it) => {
    it.effect("dates and timestamps of years 1 to 9999 read back as written", () =>
      Effect.gen(function*() {
        yield* reset
        const years = [1, 2, 50, 99, 100, 999, 1000, 1582, 1899, 1970, 2024, 9999]
        const micro = (dt: DateTime.Utc, extra: number) => utcFromMicros(microsOf(dt) + BigInt(extra))
        const rows: Array<Row> = years.map((year, i) => ({
          id: i + 1,
          day: inYear(year),
          at: inYear(year, "-12-31T23:59:59.999Z"),
          // Far from 1970 a double cannot hold the microseconds of epochMillis: they must survive anyway.
          atTz: micro(inYear(year, "-06-15T12:34:56.000Z"), 123_457),
          strict: null
        }))
        yield* insert(rows)
        const back = yield* readBack
        assert.strictEqual(back.length, rows.length)
        back.forEach((row, i) => {
          const year = years[i]!
          assert.strictEqual(microsOf(row.day!), microsOf(rows[i]!.day!), `date of year ${year}`)
          assert.strictEqual(microsOf(row.at!), microsOf(rows[i]!.at!), `timestamp of year ${year}`)
          assert.strictEqual(microsOf(row.atTz!), microsOf(rows[i]!.atTz!), `timestamptz of year ${year}`)
          assert.strictEqual(new Date(Math.floor(row.day!.epochMillis)).getUTCFullYear(), year)
        })
        // And they compare as written: a WHERE on a year-1 date finds it.
        const first = yield* Query.execute(Query.select(Value).where(Value.c.day.eq(inYear(1))))
        assert.deepStrictEqual(first.map((r) => r.id), [1])
      }))

    it.effect("dates outside the years the database stores are refused, not written as unreadable text", () =>
      Effect.gen(function*() {
        yield* reset
        const [, maxYear] = hooks.yearRange
        for (const year of [0, -1, 10000]) {
          if (year >= 1 && year <= maxYear) continue
          const error = yield* refused(d, { id: 1, day: inYear(year), strict: null }, "day")
          assert.include(error.message, `year ${year}`)
          yield* refused(d, { id: 1, at: inYear(year), strict: null }, "at")
        }
        if (maxYear > 9999) {
          // PostgreSQL stores years past 9999.
          yield* insert({ id: 1, day: inYear(10000), atTz: inYear(99999, "-07-01T01:02:03.456Z"), strict: null })
          const [row] = yield* readBack
          assert.strictEqual(microsOf(row!.day!), microsOf(inYear(10000)))
          assert.strictEqual(microsOf(row!.atTz!), microsOf(inYear(99999, "-07-01T01:02:03.456Z")))
        }
        // A DateTime whose instant is NaN (a DateTime's fields can be set by hand) is an EncodeError, not a crash.
        const broken = Object.assign(Object.create(Object.getPrototypeOf(utc("2024-01-01T00:00:00Z"))), { epochMillis: NaN })
        yield* metadata.dropAll
        yield* metadata.createAll
        const nan = yield* refused(d, { id: 1, at: broken, strict: null }, "at")
        assert.include(nan.message, "NaN")
      }))

    it.effect("numeric refuses digits past its scale or precision instead of rounding", () =>
      Effect.gen(function*() {
        yield* reset
        const scale = yield* refused(d, { id: 1, price: decimal("1.005"), strict: null }, "price")
        assert.include(scale.message, "3 digits after the point")
        assert.strictEqual(scale.value, "1.005")
        const precision = yield* refused(d, { id: 1, price: decimal("123456789"), strict: null }, "price")
        assert.include(precision.message, "9 digits before the point")
        yield* refused(d, { id: 1, price: decimal("-100000000.5"), strict: null }, "price")
        // At the limits, and with trailing zeros past the scale (the same number), it is stored.
        yield* insert([
          { id: 1, price: decimal("99999999.99"), strict: null },
          { id: 2, price: decimal("-0.01"), strict: null },
          { id: 3, price: decimal("1.000"), strict: null },
          { id: 4, price: BigDecimal.make(5n, -3), strict: null }
        ])
        const back = yield* readBack
        assert.deepStrictEqual(back.map((r) => BigDecimal.format(BigDecimal.normalize(r.price!))), ["99999999.99", "-0.01", "1", "5000"])
        // A comparison binds the value as it is: 1.005 does not match 1.00.
        const none = yield* Query.execute(Query.select(Value).where(Value.c.price.eq(decimal("1.005"))))
        assert.strictEqual(none.length, 0)
        const above = yield* Query.execute(Query.select(Value).where(Value.c.price.gt(decimal("0.995"))))
        assert.deepStrictEqual(above.map((r) => r.id), [1, 3, 4])
      }))

    it.effect(`floats: NaN and ±Infinity ${d === "postgresql" ? "round-trip" : d === "sqlite" ? "(NaN refused, ±Infinity kept)" : "are refused"}`, () =>
      Effect.gen(function*() {
        yield* reset
        const specials: ReadonlyArray<readonly [number, boolean]> = [
          [NaN, hooks.floatNaN],
          [Infinity, hooks.floatInfinity],
          [-Infinity, hooks.floatInfinity]
        ]
        let id = 0
        for (const [value, stored] of specials) {
          if (stored) {
            yield* insert({ id: ++id, real: value, strict: null })
          } else {
            const error = yield* refused(d, { id: 99, real: value, strict: null }, "real")
            assert.include(error.message, String(value))
          }
        }
        const back = yield* readBack
        assert.deepStrictEqual(back.map((r) => String(r.real)), specials.filter(([, s]) => s).map(([v]) => String(v)))
        if (hooks.floatNaN) {
          // A row holding NaN reads back, alone too: it is a value, not a DecodeError.
          const [row] = yield* Query.execute(Query.select(Value).where(Value.c.id.eq(1)))
          assert.isTrue(Number.isNaN(row!.real))
        }
      }))

    it.effect("strings with a lone surrogate are refused everywhere; U+0000 where the database refuses it", () =>
      Effect.gen(function*() {
        yield* reset
        const lone = yield* refused(d, { id: 1, name: "a\ud800b", strict: null }, "name")
        assert.include(lone.message, "lone UTF-16 surrogate")
        yield* refused(d, { id: 1, body: "\udc00", strict: null }, "body")
        yield* refused(d, { id: 1, doc: { "key\ud83d": 1 }, strict: null }, "doc")
        yield* refused(d, { id: 1, doc: ["\udfff"], strict: null }, "doc")
        // A comparison with a lone surrogate would match U+FFFD: refused too.
        const compare = failure(yield* Effect.exit(Query.execute(Query.select(Value).where(Value.c.name.eq("\ud800")))))
        assert.strictEqual(compare._tag, "EncodeError")
        const emoji = "👩‍🚀 \u{1F600} \u{10FFFF}"
        if (hooks.textNul) {
          yield* insert({ id: 1, name: "a\u0000b", body: `x\u0000${emoji}`, doc: ["\u0000"], strict: null })
          const [row] = yield* readBack
          assert.strictEqual(row!.name, "a\u0000b")
          assert.strictEqual(row!.body, `x\u0000${emoji}`)
          assert.deepStrictEqual(row!.doc, ["\u0000"])
        } else {
          yield* refused(d, { id: 1, body: "a\u0000b", strict: null }, "body")
          yield* refused(d, { id: 1, doc: { a: "\u0000" }, strict: null }, "doc")
          yield* insert({ id: 1, body: emoji, strict: null })
          assert.strictEqual((yield* readBack)[0]!.body, emoji)
        }
      }))

    it.effect("JSON refuses bigints, cycles, non-JSON values and nesting past the database's limit", () =>
      Effect.gen(function*() {
        yield* reset
        const cycle: Record<string, unknown> = { a: 1 }
        cycle["self"] = cycle
        const cases: ReadonlyArray<readonly [unknown, string]> = [
          [{ n: 1n }, "bigint"],
          [cycle, "cycle"],
          [[NaN], "NaN"],
          [{ x: Infinity }, "Infinity"],
          [{ when: new Date(0) }, "Date"],
          [new Map([["a", 1]]), "Map"],
          [[1, undefined], "undefined"],
          [nested(5000), `deeper than ${hooks.jsonMaxDepth}`],
          [nested(hooks.jsonMaxDepth + 1), `deeper than ${hooks.jsonMaxDepth}`]
        ]
        for (const [value, reason] of cases) {
          const error = yield* refused(d, { id: 1, doc: value, strict: null }, "doc")
          assert.include(error.message, reason)
        }
        // The schema's own refusal is an EncodeError naming the column too.
        yield* refused(d, { id: 1, strict: { n: "one" } as never }, "strict_doc")
        // At the limit, the value reads back exactly; so do a shared (acyclic) object and undefined properties (left out).
        const shared = { k: "v" }
        yield* insert([
          { id: 1, doc: nested(hooks.jsonMaxDepth), strict: null },
          { id: 2, doc: { a: shared, b: shared, gone: undefined }, strict: { n: 1.5 } }
        ])
        const back = yield* readBack
        assert.deepStrictEqual(back[0]!.doc, nested(hooks.jsonMaxDepth))
        assert.deepStrictEqual(back[1]!.doc, { a: { k: "v" }, b: { k: "v" } })
        assert.deepStrictEqual(back[1]!.strict, { n: 1.5 })
      }))

    it.effect("integers past the column's range and bigints past 64 bits are refused", () =>
      Effect.gen(function*() {
        yield* reset
        const [min, max] = hooks.integerRange
        yield* refused(d, { id: 1, int: max + 1, strict: null }, "int")
        yield* refused(d, { id: 1, int: min - 1, strict: null }, "int")
        yield* refused(d, { id: 1, big: 2n ** 63n, strict: null }, "big")
        yield* refused(d, { id: 1, big: -(2n ** 63n) - 1n, strict: null }, "big")
        yield* insert({ id: 1, int: max, big: -(2n ** 63n), strict: null })
        yield* insert({ id: 2, int: min, big: 2n ** 63n - 1n, strict: null })
        const back = yield* readBack
        assert.deepStrictEqual(back.map((r) => [r.int, r.big]), [[max, -(2n ** 63n)], [min, 2n ** 63n - 1n]])
      }))

    it.effect("a custom column whose schema cannot decode what it encoded refuses the value: the row could never be read", () =>
      Effect.gen(function*() {
        yield* reset
        const error = yield* refused(d, { id: 1, digits: -1, strict: null }, "digits")
        assert.include(error.message, "could not be read back")
        yield* insert({ id: 1, digits: 42, strict: null })
        assert.strictEqual((yield* readBack)[0]!.digits, 42)
      }))

    it.effect("a time of day is written in the form it reads back in", () =>
      Effect.gen(function*() {
        yield* reset
        const error = yield* refused(d, { id: 1, clock: "12:00:00.50", strict: null }, "clock")
        assert.include(error.message, "12:00:00.5")
        yield* insert({ id: 1, clock: "12:00:00.05", strict: null })
        assert.strictEqual((yield* readBack)[0]!.clock, "12:00:00.05")
      }))

    it.effect("an UPDATE's values are checked like an INSERT's, and nothing changes when one is refused", () =>
      Effect.gen(function*() {
        yield* reset
        yield* insert({ id: 1, name: "before", price: decimal("1.00"), strict: null })
        const cases: ReadonlyArray<readonly [Partial<Row>, string]> = [
          [{ name: "x".repeat(21) }, "name"],
          [{ price: decimal("2.001") }, "price"],
          [{ int: 1.5 }, "int"],
          [{ day: utc("2024-01-01T12:00:00Z") }, "day"],
          [{ real: hooks.floatNaN ? ("NaN" as never) : NaN }, "real"]
        ]
        for (const [set, column] of cases) {
          const exit = yield* Effect.exit(Query.execute(Query.update(Value).set({ ...set, body: "changed" } as never).where(Value.c.id.eq(1))))
          const error = failure(exit) as EncodeError
          assert.strictEqual(error._tag, "EncodeError")
          assert.strictEqual(error.column, column, error.message)
        }
        const [row] = yield* readBack
        assert.strictEqual(row!.name, "before")
        assert.isNull(row!.body)
        // null in a JSON column that is not nullable is the JSON value null, in an UPDATE as in an INSERT.
        yield* Query.execute(Query.update(Value).set({ strict: { n: 2 } }).where(Value.c.id.eq(1)))
        yield* Query.execute(Query.update(Value).set({ strict: null }).where(Value.c.id.eq(1)))
        assert.isNull((yield* readBack)[0]!.strict)
      }))

    it.effect("a LIKE escape of more than one character is an EncodeError; one character works", () =>
      Effect.gen(function*() {
        yield* reset
        yield* insert([{ id: 1, name: "100%", strict: null }, { id: 2, name: "1000", strict: null }])
        for (const escape of ["ab", "", "\ud800"]) {
          const exit = yield* Effect.exit(Query.execute(Query.select(Value).where(Value.c.name.like("100!%", { escape }))))
          const error = failure(exit)
          assert.strictEqual(error._tag, "EncodeError")
        }
        const exact = yield* Query.execute(Query.select(Value).where(Value.c.name.like("100!%", { escape: "!" })))
        assert.deepStrictEqual(exact.map((r) => r.id), [1])
        // LIMIT and OFFSET take counts: -1 would mean "no limit" on SQLite.
        for (const n of [-1, 1.5, NaN, Infinity]) {
          assert.strictEqual(failure(yield* Effect.exit(Query.execute(Query.select(Value).limit(n))))._tag, "EncodeError")
        }
        assert.isTrue(Exit.isSuccess(yield* Effect.exit(Query.execute(Query.select(Value).limit(0).offset(1)))))
      }))
  })
}
