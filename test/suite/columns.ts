/**
 * Every column type round-trips on a real database, edge values included: integer
 * limits, bigint ±(2^63−1), exact decimals, milli- and microsecond timestamps, emoji,
 * right-to-left text, the empty string apart from NULL, JSON null apart from SQL NULL,
 * and a 1 MiB binary. A value the column cannot decode is a typed error naming it.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { BigDecimal, DateTime, Effect, Schema } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Fn from "../../src/Fn.js"
import { microsOf, utcFromMicros } from "../../src/internal/values.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import { failure } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

const Doc = Schema.Struct({ title: Schema.String, tags: Schema.Array(Schema.String), at: Schema.DateTimeUtc })

class Sample extends Table.Class<Sample>("Sample")("samples", {
  id: Column.integer({ primaryKey: true }),
  int: Column.integer({ nullable: true }),
  big: Column.bigint({ nullable: true }),
  real: Column.float({ nullable: true }),
  price: Column.numeric({ precision: 10, scale: 2, nullable: true }),
  wide: Column.numeric({ precision: 30, scale: 10, nullable: true }),
  name: Column.string({ length: 100, nullable: true }),
  body: Column.text({ nullable: true }),
  flag: Column.boolean({ nullable: true }),
  day: Column.date({ nullable: true }),
  at: Column.dateTime({ nullable: true }),
  atTz: Column.dateTime({ timezone: true, nullable: true, name: "at_tz" }),
  clock: Column.time({ nullable: true }),
  uid: Column.uuid({ nullable: true }),
  doc: Column.json(Doc, { nullable: true }),
  anyJson: Column.json(Schema.NullOr(Schema.Unknown), { name: "any_json" }),
  status: Column.literal("draft", "published").with({ nullable: true }),
  bytes: Column.binary({ nullable: true }),
  csv: Column.custom(Schema.split(","), { sqlType: { mysql: "VARCHAR(200)", postgresql: "TEXT", sqlite: "TEXT" }, nullable: true }),
  created: Column.dateTime({ serverDefault: Fn.now() })
}) {}

const metadata = MetaData.make(Sample)

const utc = (iso: string) => DateTime.unsafeMake(iso) as DateTime.Utc
const micros = (iso: string, extra: number) => utcFromMicros(microsOf(utc(iso)) + BigInt(extra))
const mib = new Uint8Array(1024 * 1024).map((_, i) => (i * 31 + 7) % 256)

type Row = typeof Sample.insert.Type

const rows: ReadonlyArray<Row> = [
  {
    id: 1,
    int: 0,
    big: 0n,
    real: 0,
    price: BigDecimal.unsafeFromString("0.00"),
    wide: BigDecimal.unsafeFromString("0"),
    name: "",
    body: "",
    flag: false,
    day: utc("1970-01-01T00:00:00Z"),
    at: utc("1970-01-01T00:00:00Z"),
    atTz: utc("1970-01-01T00:00:00Z"),
    clock: "00:00:00",
    uid: "00000000-0000-0000-0000-000000000000",
    doc: { title: "", tags: [], at: utc("2000-01-01T00:00:00Z") },
    anyJson: null,
    status: "draft",
    bytes: new Uint8Array(0),
    csv: [""]
  },
  {
    id: 2,
    int: 2147483647,
    big: 9223372036854775807n,
    real: 0.1 + 0.2,
    price: BigDecimal.unsafeFromString("12345678.91"),
    wide: BigDecimal.unsafeFromString("12345678901234567890.1234567891"),
    name: "👩‍🚀 emoji 🚀 and ünïcödé",
    body: "مرحبا بالعالم — שלום עולם",
    flag: true,
    day: utc("2024-02-29T00:00:00Z"),
    at: utc("2024-02-29T12:34:56.789Z"),
    atTz: micros("2024-02-29T12:34:56.000Z", 123456),
    clock: "23:59:59.999999",
    uid: "0f8fad5b-d9cb-469f-a165-70867728950e",
    doc: { title: "نص \"quoted\" ✓", tags: ["a", "b"], at: utc("2024-02-29T12:34:56.789Z") },
    anyJson: { nested: [1, "two", null, { three: true }] },
    status: "published",
    bytes: mib,
    csv: ["a", "b", "c"]
  },
  {
    id: 3,
    int: -2147483648,
    big: -9223372036854775807n,
    real: -1.5e300,
    price: BigDecimal.unsafeFromString("-0.01"),
    wide: BigDecimal.unsafeFromString("-0.0000000001"),
    name: "x",
    body: "line 1\nline 2\ttab \\ backslash ' quote",
    flag: null,
    day: utc("1899-12-31T00:00:00Z"),
    at: micros("2038-01-19T03:14:08.000Z", 1),
    atTz: micros("1999-12-31T23:59:59.999Z", 999),
    clock: "12:00:00.5",
    uid: null,
    doc: null,
    anyJson: "a JSON string",
    status: null,
    bytes: new Uint8Array([0, 255, 0, 1]),
    csv: null
  },
  // Everything nullable left out: SQL NULL (or the server default).
  { id: 4, anyJson: 42 }
]

const same = (actual: unknown, expected: unknown, path: string): void => {
  if (BigDecimal.isBigDecimal(expected)) {
    assert.isTrue(BigDecimal.isBigDecimal(actual) && BigDecimal.equals(actual, expected), `${path}: ${String(actual)} != ${BigDecimal.format(expected)}`)
  } else if (DateTime.isDateTime(expected)) {
    assert.isTrue(DateTime.isDateTime(actual), `${path}: not a DateTime`)
    assert.strictEqual(microsOf(actual as DateTime.Utc), microsOf(expected), `${path}: instants differ`)
  } else if (expected instanceof Uint8Array) {
    assert.instanceOf(actual, Uint8Array, path)
    assert.strictEqual((actual as Uint8Array).length, expected.length, `${path}: length`)
    assert.isTrue(Buffer.from(actual as Uint8Array).equals(Buffer.from(expected)), `${path}: bytes differ`)
  } else if (Array.isArray(expected)) {
    assert.isTrue(Array.isArray(actual), path)
    assert.strictEqual((actual as Array<unknown>).length, expected.length, `${path}: length`)
    expected.forEach((e, i) => same((actual as Array<unknown>)[i], e, `${path}[${i}]`))
  } else if (typeof expected === "object" && expected !== null) {
    assert.isTrue(typeof actual === "object" && actual !== null, `${path}: not an object`)
    for (const key of Object.keys(expected)) same((actual as any)[key], (expected as any)[key], `${path}.${key}`)
  } else {
    assert.strictEqual(actual, expected, path)
  }
}

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Columns", (it) => {
    it.effect("every column type round-trips, edge values included", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        yield* Query.execute(Query.insert(Sample).values(rows))
        const back = yield* Query.execute(Query.select(Sample).orderBy(Sample.c.id))
        assert.strictEqual(back.length, rows.length)
        rows.forEach((row, i) => {
          const actual = back[i]!
          assert.instanceOf(actual, Sample)
          for (const key of Object.keys(Sample.fields) as Array<keyof Row>) {
            if (key === "created") continue
            same(actual[key], row[key] === undefined ? null : row[key], `row ${row.id}.${key}`)
          }
        })
        // LIKE on a literal column (a PostgreSQL enum, cast to text there).
        const published = yield* Query.execute(Query.select(Sample).where(Sample.c.status.like("pub%")))
        assert.deepStrictEqual(published.map((s) => s.id), [2])
        // The server default is filled by the database, in UTC, close to now.
        for (const row of back) {
          assert.isBelow(Math.abs(row.created.epochMillis - Date.now()), 60_000, "created is not the current UTC time")
        }
      }), { timeout: 60_000 })

    it.effect("the empty string and JSON null stay apart from SQL NULL", () =>
      Effect.gen(function*() {
        const q = target.dialect === "mysql" ? (s: string) => `\`${s}\`` : (s: string) => `"${s}"`
        const flags = yield* Engine.execute(
          `SELECT ${q("id")} AS id, CASE WHEN ${q("name")} IS NULL THEN 1 ELSE 0 END AS name_null,
                  CASE WHEN ${q("any_json")} IS NULL THEN 1 ELSE 0 END AS json_null,
                  CASE WHEN ${q("doc")} IS NULL THEN 1 ELSE 0 END AS doc_null
             FROM ${q("samples")} ORDER BY ${q("id")}`
        )
        const byId = new Map(flags.map((r) => [Number(r["id"]), r]))
        assert.strictEqual(Number(byId.get(1)!["name_null"]), 0, "the empty string was stored as NULL")
        assert.strictEqual(Number(byId.get(1)!["json_null"]), 0, "JSON null was stored as SQL NULL")
        assert.strictEqual(Number(byId.get(3)!["doc_null"]), 1, "null in a nullable JSON column is SQL NULL")
        assert.strictEqual(Number(byId.get(4)!["name_null"]), 1)
      }))

    it.effect("a value the column cannot decode is a DecodeError naming table, column and value", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const q = target.dialect === "mysql" ? (s: string) => `\`${s}\`` : (s: string) => `"${s}"`
        // JSON that does not match the column's schema: possible on every database.
        yield* Engine.execute(`INSERT INTO ${q("samples")} (${q("id")}, ${q("any_json")}, ${q("doc")}) VALUES (1, 'null', '{"title": 5}')`)
        const error = failure(yield* Effect.exit(Query.execute(Query.select(Sample))))
        assert.strictEqual(error._tag, "DecodeError")
        if (error._tag === "DecodeError") {
          assert.strictEqual(error.table, "samples")
          assert.strictEqual(error.column, "doc")
          assert.include(error.value, "title")
        }
        if (target.dialect === "sqlite") {
          // SQLite stores text in an INTEGER column as text.
          yield* Engine.execute(`DELETE FROM "samples"`)
          yield* Engine.execute(`INSERT INTO "samples" ("id", "int", "any_json") VALUES (2, 'abc', 'null')`)
          const text = failure(yield* Effect.exit(Query.execute(Query.select(Sample))))
          assert.strictEqual(text._tag, "DecodeError")
          if (text._tag === "DecodeError") {
            assert.strictEqual(text.column, "int")
            assert.strictEqual(text.value, "\"abc\"")
            assert.include(text.message, "samples.int")
          }
        }
      }))

    it.effect("a value its column rejects is an EncodeError, and nothing is written", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const long = failure(yield* Effect.exit(Query.execute(Query.insert(Sample).values([
          { id: 1, anyJson: 1 },
          { id: 2, anyJson: 1, name: "x".repeat(101) }
        ]))))
        assert.strictEqual(long._tag, "EncodeError")
        const count = yield* Engine.execute(target.dialect === "mysql" ? "SELECT COUNT(*) AS n FROM `samples`" : `SELECT COUNT(*) AS n FROM "samples"`)
        assert.strictEqual(Number(count[0]!["n"]), 0)
        const badJson = failure(yield* Effect.exit(Query.execute(Query.insert(Sample).values({
          id: 3,
          anyJson: 1,
          doc: { title: "t", tags: [], at: "not a DateTime" } as any
        }))))
        assert.strictEqual(badJson._tag, "EncodeError")
        yield* metadata.dropAll
      }))
  })
}
