/**
 * Expression constructs (issue 14) on a real database, with one meaning everywhere: tuple IN,
 * IS [NOT] DISTINCT FROM, CAST to a column type, regular expressions, literal
 * startsWith / endsWith / contains, Expr.raw templates, and true / floor division.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { BigDecimal, DateTime, Effect } from "effect"
import * as Column from "../../src/Column.js"
import * as Expr from "../../src/Expr.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Item extends Table.Class<Item>("Item")("expr_items", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  code: Column.string({ length: 10, nullable: true }),
  n: Column.integer(),
  d: Column.integer(),
  big: Column.bigint(),
  price: Column.numeric({ precision: 12, scale: 2 }),
  ratio: Column.float()
}) {}

const metadata = MetaData.make(Item)
const dec = BigDecimal.unsafeFromString

const rows = [
  { id: 1, name: "Abc", code: "7", n: 15, d: 10, big: 9_007_199_254_740_993n, price: dec("10.00"), ratio: 1.5 },
  { id: 2, name: "abc", code: null, n: -15, d: 10, big: -15n, price: dec("3.00"), ratio: -2.5 },
  { id: 3, name: "100% sure_thing", code: "42", n: 7, d: 0, big: 7n, price: dec("1.00"), ratio: 0 },
  { id: 4, name: "Ärger über Öl", code: "x", n: 20, d: -3, big: 20n, price: dec("0.00"), ratio: 2 },
  { id: 5, name: "a!b\\c", code: "7", n: 0, d: 7, big: 0n, price: dec("7.50"), ratio: 1 }
]

const setup = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  yield* Query.execute(Query.insert(Item).values(rows))
})

const ids = (where: Expr.Expr<boolean>) =>
  Query.execute(Query.select({ id: Item.c.id }).from(Item).where(where).orderBy(Item.c.id)).pipe(Effect.map((r) => r.map((x) => x.id)))

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Expressions", (it) => {
    it.effect("tuple IN / NOT IN: values encoded per element, empty lists, a subquery of as many columns", () =>
      Effect.gen(function*() {
        yield* setup
        assert.deepStrictEqual(yield* ids(Expr.tuple(Item.c.name, Item.c.n).in([["Abc", 15], ["abc", 15], ["Ärger über Öl", 20]])), [1, 4])
        assert.deepStrictEqual(yield* ids(Expr.tuple(Item.c.name, Item.c.n).notIn([["Abc", 15], ["abc", -15]])), [3, 4, 5])
        assert.deepStrictEqual(yield* ids(Expr.tuple(Item.c.id, Item.c.price).in([[2, dec("3")]])), [2])
        assert.deepStrictEqual(yield* ids(Expr.tuple(Item.c.id, Item.c.n).in([])), [])
        assert.deepStrictEqual(yield* ids(Expr.tuple(Item.c.id, Item.c.n).notIn([])), [1, 2, 3, 4, 5])
        const pairs = Query.select({ a: Item.c.id, b: Item.c.d }).from(Item).where(Item.c.d.gt(0))
        assert.deepStrictEqual(yield* ids(Expr.tuple(Item.c.id, Item.c.d).in(pairs)), [1, 2, 5])
        assert.deepStrictEqual(yield* ids(Expr.tuple(Item.c.id, Item.c.d).notIn(pairs)), [3, 4])
        yield* metadata.dropAll
      }))

    it.effect("IS [NOT] DISTINCT FROM treats NULL as a value", () =>
      Effect.gen(function*() {
        yield* setup
        assert.deepStrictEqual(yield* ids(Item.c.code.isDistinctFrom("7")), [2, 3, 4])
        assert.deepStrictEqual(yield* ids(Item.c.code.isNotDistinctFrom("7")), [1, 5])
        assert.deepStrictEqual(yield* ids(Item.c.code.isNotDistinctFrom(null)), [2])
        assert.deepStrictEqual(yield* ids(Expr.isDistinctFrom(Item.c.code, null)), [1, 3, 4, 5])
        assert.deepStrictEqual(yield* ids(Expr.isNotDistinctFrom(Item.c.code, Item.c.code)), [1, 2, 3, 4, 5])
        const [row] = yield* Query.execute(
          Query.select({ same: Item.c.code.isNotDistinctFrom(null), diff: Item.c.code.isDistinctFrom(null) }).from(Item).where(Item.c.id.eq(2))
        )
        assert.deepStrictEqual(row, { same: true, diff: false })
        yield* metadata.dropAll
      }))

    it.effect("Expr.cast reads back as the target column type; a refused target is an EncodeError", () =>
      Effect.gen(function*() {
        yield* setup
        const rows = yield* Query.execute(
          Query.select({
            asInt: Expr.cast(Item.c.code, Column.integer()),
            asText: Expr.cast(Item.c.n, Column.text()),
            asShort: Expr.cast(Item.c.name, Column.string({ length: 3 })),
            asDec: Expr.cast(Item.c.n, Column.numeric({ precision: 10, scale: 2 })),
            asFloat: Expr.cast(Item.c.n, Column.float()),
            asBig: Expr.cast(Item.c.n, Column.bigint()),
            asBool: Expr.cast(Item.c.d, Column.boolean())
          }).from(Item).where(Item.c.id.in([2, 3])).orderBy(Item.c.id)
        )
        assert.deepStrictEqual(rows.map((r) => [r.asInt, r.asText, r.asShort, BigDecimal.unsafeToNumber(r.asDec), r.asDec.scale, r.asFloat, r.asBig, r.asBool]), [
          [null, "-15", "abc", -15, 2, -15, -15n, true],
          [42, "7", "100", 7, 2, 7, 7n, false]
        ])
        const date = Expr.cast(Expr.literal("2024-02-03"), Column.date())
        const [d] = yield* Query.execute(Query.select({ d: date }))
        assert.strictEqual(DateTime.formatIso(d!.d), "2024-02-03T00:00:00.000Z")
        const refused = target.dialect === "sqlite" ? Column.dateTime() : target.dialect === "mysql" ? Column.json(Column.text()) : Column.literal("a", "b")
        const error = yield* Effect.flip(Query.execute(Query.select({ x: Expr.cast(Item.c.name, refused) }).from(Item)))
        assert.strictEqual(error._tag, "EncodeError")
        assert.match(error.message, /cannot CAST/)
        yield* metadata.dropAll
      }))

    it.effect("regexpMatch / regexpReplace: case-sensitive unless flags 'i', every match replaced, groups as \\1", () =>
      Effect.gen(function*() {
        yield* setup
        assert.deepStrictEqual(yield* ids(Item.c.name.regexpMatch("^A[a-z]+$")), [1])
        assert.deepStrictEqual(yield* ids(Item.c.name.regexpMatch("^a[a-z]+$", { flags: "i" })), [1, 2])
        assert.deepStrictEqual(yield* ids(Item.c.name.regexpMatch("[0-9]+%")), [3])
        assert.deepStrictEqual(yield* ids(Item.c.name.regexpMatch("über")), [4])
        const [r] = yield* Query.execute(
          Query.select({
            all: Item.c.name.regexpReplace("[aeiou]", "_"),
            ci: Item.c.name.regexpReplace("[AB]", "-", { flags: "i" }),
            group: Item.c.name.regexpReplace("(b)(c)", "\\2\\1"),
            unicode: Expr.literal("Ärger über Öl").regexpReplace("Ö", "O")
          }).from(Item).where(Item.c.id.eq(1))
        )
        assert.deepStrictEqual(r, { all: "Abc".replace(/[aeiou]/g, "_"), ci: "--c", group: "Acb", unicode: "Ärger über Ol" })
        yield* metadata.dropAll
      }))

    it.effect("startsWith / endsWith / contains: literal %, _ and the escape character, case-sensitive, non-ASCII", () =>
      Effect.gen(function*() {
        yield* setup
        assert.deepStrictEqual(yield* ids(Item.c.name.startsWith("Ab")), [1])
        assert.deepStrictEqual(yield* ids(Item.c.name.startsWith("ab")), [2])
        assert.deepStrictEqual(yield* ids(Item.c.name.startsWith("ab", { caseInsensitive: true })), [1, 2])
        assert.deepStrictEqual(yield* ids(Item.c.name.endsWith("bc")), [1, 2])
        assert.deepStrictEqual(yield* ids(Item.c.name.endsWith("BC")), [])
        assert.deepStrictEqual(yield* ids(Item.c.name.contains("0% s")), [3])
        assert.deepStrictEqual(yield* ids(Item.c.name.contains("%")), [3])
        assert.deepStrictEqual(yield* ids(Item.c.name.contains("_")), [3])
        assert.deepStrictEqual(yield* ids(Item.c.name.contains("0_ s")), [])
        assert.deepStrictEqual(yield* ids(Item.c.name.contains("!b\\")), [5])
        assert.deepStrictEqual(yield* ids(Item.c.name.contains("über")), [4])
        assert.deepStrictEqual(yield* ids(Item.c.name.contains("Über")), [])
        assert.deepStrictEqual(yield* ids(Item.c.name.startsWith("Är")), [4])
        assert.deepStrictEqual(yield* ids(Item.c.name.startsWith("är")), [])
        // The needle an expression: escaped in SQL.
        assert.deepStrictEqual(yield* ids(Item.c.name.contains(Item.c.name)), [1, 2, 3, 4, 5])
        assert.deepStrictEqual(yield* ids(Expr.literal("xx100% sure_thingyy").contains(Item.c.name)), [3])
        assert.deepStrictEqual(yield* ids(Expr.literal("100X sureYthing").contains(Item.c.name)), [])
        assert.deepStrictEqual(yield* ids(Expr.literal("a!b\\c!").startsWith(Item.c.name)), [5])
        assert.deepStrictEqual(yield* ids(Expr.literal("ABC").endsWith(Item.c.name, { caseInsensitive: true })), [1, 2])
        assert.deepStrictEqual(yield* ids(Expr.literal("ABC").endsWith(Item.c.name)), [])
        yield* metadata.dropAll
      }))

    it.effect("Expr.raw as a tagged template: expressions as SQL, values bound", () =>
      Effect.gen(function*() {
        yield* setup
        assert.deepStrictEqual(yield* ids(Expr.raw<boolean>`lower(${Item.c.name}) = ${"abc"}`), [1, 2])
        assert.deepStrictEqual(yield* ids(Expr.raw<boolean>`${Item.c.n} > ${10} AND ${Item.c.id} < ${4}`), [1])
        const sub = Query.select({ m: Item.c.n }).from(Item).where(Item.c.id.eq(3))
        assert.deepStrictEqual(yield* ids(Expr.raw<boolean>`${Item.c.n} = ${sub}`), [3])
        const [r] = yield* Query.execute(Query.select({ x: Expr.raw<number>`${Item.c.n} + ${Expr.literal(1)}` }).from(Item).where(Item.c.id.eq(1)))
        assert.strictEqual(Number(r!.x), 16)
        yield* metadata.dropAll
      }))

    it.effect("div is true division and floorDiv floor division, the same on every database; a zero divisor gives NULL", () =>
      Effect.gen(function*() {
        yield* setup
        const q = yield* Query.execute(
          Query.select({
            id: Item.c.id,
            true: Item.c.n.div(Item.c.d),
            byValue: Item.c.n.div(10),
            floor: Item.c.n.floorDiv(Item.c.d),
            floorByValue: Item.c.n.floorDiv(10),
            bigFloor: Item.c.big.floorDiv(10n),
            bigTrue: Item.c.big.div(10n),
            dec: Item.c.price.div(Item.c.price),
            decByValue: Item.c.price.div(dec("4")),
            float: Item.c.ratio.floorDiv(1)
          }).from(Item).orderBy(Item.c.id)
        )
        assert.deepStrictEqual(q.map((r) => r.true), [1.5, -1.5, null, -20 / 3, 0])
        assert.deepStrictEqual(q.map((r) => r.byValue), [1.5, -1.5, 0.7, 2, 0])
        assert.deepStrictEqual(q.map((r) => r.floor), [1, -2, null, -7, 0])
        assert.deepStrictEqual(q.map((r) => r.floorByValue), [1, -2, 0, 2, 0])
        assert.deepStrictEqual(q.map((r) => r.bigFloor), [900_719_925_474_099n, -2n, 0n, 2n, 0n])
        assert.strictEqual(q[1]!.bigTrue, -1.5)
        // numeric / numeric stays an exact decimal at the column's scale.
        assert.deepStrictEqual(q.map((r) => r.dec === null ? null : BigDecimal.unsafeToNumber(r.dec)), [1, 1, 1, null, 1])
        assert.isTrue(q.every((r) => BigDecimal.isBigDecimal(r.decByValue) && r.decByValue.scale === 2))
        assert.deepStrictEqual(q.slice(0, 4).map((r) => BigDecimal.unsafeToNumber(r.decByValue)), [2.5, 0.75, 0.25, 0])
        assert.deepStrictEqual(q.map((r) => r.float), [1, -3, 0, 2, 1])
        const [lit] = yield* Query.execute(
          Query.select({ t: Expr.literal(15).div(10), f: Expr.literal(-15).floorDiv(10), z: Expr.literal(1).div(Expr.literal(0)) })
        )
        assert.deepStrictEqual(lit, { t: 1.5, f: -2, z: null })
        yield* metadata.dropAll
      }))
  })
}
