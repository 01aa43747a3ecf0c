/**
 * JSON path access (issue 14): `get` down keys and indexes, `asString` / `asNumber` /
 * `asBoolean` in select, where and order by, with the same answers on every database: a
 * missing path is NULL, a value of another JSON type is NULL, keys holding quotes, dots,
 * spaces and backslashes are one key each.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Column from "../../src/Column.js"
import * as Fn from "../../src/Fn.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Doc extends Table.Class<Doc>("Doc")("json_docs", {
  id: Column.integer({ primaryKey: true }),
  doc: Column.json(Schema.Unknown, { nullable: true })
}) {}

const Shape = Schema.Struct({ tags: Schema.Array(Schema.String), n: Schema.Number, on: Schema.Boolean })
class Typed extends Table.Class<Typed>("Typed")("json_typed", {
  id: Column.integer({ primaryKey: true }),
  doc: Column.json(Shape)
}) {}

const metadata = MetaData.make(Doc, Typed)

const odd = { "a\"b": 1, "a.b c": 2, "x\\y": 3, "é ü": 4, "": 5, "[0]": 6, "it's": 7 }

const rows: ReadonlyArray<{ readonly id: number; readonly doc: unknown }> = [
  { id: 1, doc: { a: [1, 2.5, "3"], s: "text", b: true, n: 1.5, o: { k: "v" }, nil: null, ...odd } },
  { id: 2, doc: { a: [10], s: "zz", b: false, n: 7, o: [1, 2] } },
  { id: 3, doc: { a: "not an array", s: 3, b: "true", n: "4" } },
  { id: 4, doc: [{ a: 1 }, "x"] },
  { id: 5, doc: 7 },
  { id: 6, doc: null }
]

const setup = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  yield* Query.execute(Query.insert(Doc).values(rows))
})

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("JSON paths", (it) => {
    it.effect("typed extraction: strings unquoted, numbers, booleans; NULL for a missing path or another type", () =>
      Effect.gen(function*() {
        yield* setup
        const d = Doc.c.doc
        const got = yield* Query.execute(
          Query.select({
            id: Doc.c.id,
            s: d.get("s").asString(),
            n: d.get("n").asNumber(),
            b: d.get("b").asBoolean(),
            a0: d.get("a").get(0).asNumber(),
            a1: d.get("a").get(1).asNumber(),
            a2s: d.get("a").get(2).asString(),
            a2n: d.get("a").get(2).asNumber(),
            missing: d.get("nope").asString(),
            deep: d.get("o").get("k").asString(),
            nil: d.get("nil").asString()
          }).from(Doc).orderBy(Doc.c.id)
        )
        assert.deepStrictEqual(got.map((r) => [r.id, r.s, r.n, r.b, r.a0, r.a1, r.a2s, r.a2n, r.missing, r.deep, r.nil]), [
          [1, "text", 1.5, true, 1, 2.5, "3", null, null, "v", null],
          [2, "zz", 7, false, 10, null, null, null, null, null, null],
          // "true" is a string and 3 a number: another type, NULL; an index into a string is NULL.
          [3, null, null, null, null, null, null, null, null, null, null],
          [4, null, null, null, null, null, null, null, null, null, null],
          [5, null, null, null, null, null, null, null, null, null, null],
          [6, null, null, null, null, null, null, null, null, null, null]
        ])
        yield* metadata.dropAll
      }))

    it.effect("an index reads only arrays, a key only objects (never a scalar as a one-element array)", () =>
      Effect.gen(function*() {
        yield* setup
        const got = yield* Query.execute(
          Query.select({ id: Doc.c.id, first: Doc.c.doc.get(0), a: Doc.c.doc.get(0).get("a").asNumber(), k: Doc.c.doc.get("a").get(0).get(0) })
            .from(Doc).orderBy(Doc.c.id)
        )
        assert.deepStrictEqual(got.map((r) => [r.id, r.first, r.a, r.k]), [
          [1, null, null, null],
          [2, null, null, null],
          [3, null, null, null],
          [4, { a: 1 }, 1, null],
          [5, null, null, null],
          [6, null, null, null]
        ])
        yield* metadata.dropAll
      }))

    it.effect("a path's JSON value reads back as JSON: objects, arrays, strings, JSON null", () =>
      Effect.gen(function*() {
        yield* setup
        const got = yield* Query.execute(
          Query.select({ o: Doc.c.doc.get("o"), a: Doc.c.doc.get("a"), s: Doc.c.doc.get("s"), nil: Doc.c.doc.get("nil"), no: Doc.c.doc.get("no") })
            .from(Doc).where(Doc.c.id.eq(1))
        )
        assert.deepStrictEqual(got[0], { o: { k: "v" }, a: [1, 2.5, "3"], s: "text", nil: null, no: null })
        yield* metadata.dropAll
      }))

    it.effect("keys with quotes, dots, spaces, backslashes and brackets are one key each", () =>
      Effect.gen(function*() {
        yield* setup
        const keys = Object.keys(odd)
        const shape = Object.fromEntries(keys.map((k, i) => [`k${i}`, Doc.c.doc.get(k).asNumber()]))
        const [got] = yield* Query.execute(Query.select(shape).from(Doc).where(Doc.c.id.eq(1)))
        assert.deepStrictEqual(keys.map((_, i) => got![`k${i}`]), Object.values(odd))
        yield* metadata.dropAll
      }))

    it.effect("where and order by on extracted values", () =>
      Effect.gen(function*() {
        yield* setup
        const n = Doc.c.doc.get("n").asNumber()
        const big = yield* Query.execute(Query.select({ id: Doc.c.id }).from(Doc).where(n.gt(3)))
        assert.deepStrictEqual(big.map((r) => r.id), [2])
        const byString = yield* Query.execute(
          Query.select({ id: Doc.c.id }).from(Doc).where(Doc.c.doc.get("s").asString().isNotNull()).orderBy(Doc.c.doc.get("s").asString().desc())
        )
        assert.deepStrictEqual(byString.map((r) => r.id), [2, 1])
        const yes = yield* Query.execute(Query.select({ id: Doc.c.id }).from(Doc).where(Doc.c.doc.get("b").asBoolean().eq(true)))
        assert.deepStrictEqual(yes.map((r) => r.id), [1])
        const tagged = yield* Query.execute(Query.select({ id: Doc.c.id }).from(Doc).where(Doc.c.doc.get("a").get(0).asNumber().eq(10)))
        assert.deepStrictEqual(tagged.map((r) => r.id), [2])
        yield* metadata.dropAll
      }))

    it.effect("grouped by an extracted value (one expression object: PostgreSQL sees the same parameter in both places)", () =>
      Effect.gen(function*() {
        yield* setup
        const kind = Doc.c.doc.get("b").asBoolean()
        const got = yield* Query.execute(
          Query.select({ kind, n: Fn.count() }).from(Doc).where(kind.isNotNull()).groupBy(kind).orderBy(kind)
        )
        assert.deepStrictEqual(got.map((r) => [r.kind, r.n]), [[false, 1], [true, 1]])
        yield* metadata.dropAll
      }))

    it.effect("typed columns: paths follow the schema's keys", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        yield* Query.execute(Query.insert(Typed).values([
          { id: 1, doc: { tags: ["red", "blue"], n: 2, on: true } },
          { id: 2, doc: { tags: [], n: 5, on: false } }
        ]))
        const got = yield* Query.execute(
          Query.select({ id: Typed.c.id, tag: Typed.c.doc.get("tags").get(1).asString(), on: Typed.c.doc.get("on").asBoolean(), tags: Typed.c.doc.get("tags") })
            .from(Typed).where(Typed.c.doc.get("n").asNumber().gte(2)).orderBy(Typed.c.doc.get("n").asNumber().desc())
        )
        assert.deepStrictEqual(got.map((r) => [r.id, r.tag, r.on, r.tags]), [[2, null, false, []], [1, "blue", true, ["red", "blue"]]])
        yield* metadata.dropAll
      }))
  })
}
