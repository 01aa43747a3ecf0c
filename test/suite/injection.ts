/**
 * SQL injection, on real databases: a table and columns whose names hold quotes,
 * backticks, a semicolon, placeholder look-alikes and a reserved word, filled with hostile
 * strings. Every value must come back exactly, match exactly the row it was written to,
 * and never run as SQL; every identifier must be quoted in every statement retort writes
 * (DDL, SELECT, INSERT with an upsert, UPDATE, DELETE, RETURNING, CTEs and subqueries).
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect } from "effect"
import * as Column from "../../src/Column.js"
import * as Expr from "../../src/Expr.js"
import * as Fn from "../../src/Fn.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Weird extends Table.Class<Weird>("Weird")("we\"ird``tab'le", {
  id: Column.integer({ primaryKey: true, name: "i d" }),
  name: Column.text({ name: "na\"me" }),
  quote: Column.text({ nullable: true, name: "it's" }),
  tick: Column.string({ length: 50, unique: true, name: "back`tick" }),
  semi: Column.integer({ nullable: true, name: "semi;colon" }),
  select: Column.text({ nullable: true, name: "select" }),
  marks: Column.text({ nullable: true, name: "wh?at $1 :p @q \\" }),
  /** Quotes and a backslash in the values of an enum (PostgreSQL) or a CHECK (elsewhere). */
  kind: Column.literal("it's", "say \"hi\"", "back\\slash", "%_").with({ nullable: true, name: "ki'nd" })
}) {}

const kinds = ["it's", "say \"hi\"", "back\\slash", "%_", null] as const

/** The table the classic payload tries to drop: it must survive with its row. */
class Sentinel extends Table.Class<Sentinel>("Sentinel")("x", {
  id: Column.integer({ primaryKey: true }),
  note: Column.text()
}) {}

const metadata = MetaData.make(Weird, Sentinel)

const long = "'\"`\\;%_?$1 ".repeat(10_000)

/**
 * Distinct under every database's default collation (MariaDB compares case-, accent- and
 * trailing-space-insensitively, and utf8mb4_general_ci sees every emoji as equal).
 */
const hostile: ReadonlyArray<string> = [
  "'; DROP TABLE x; --",
  "\" OR 1=1 --",
  "\\'",
  "ends with a backslash \\",
  "%_",
  "100%",
  "a_b",
  "axb",
  "ünïcödé 👩‍🚀 中文 مرحبا",
  long,
  "$1",
  "?",
  "`; DROP TABLE x; --`",
  "line\nbreak\ttab\rreturn",
  "*/ OR /* :p @q ${x} $$ dollar",
  "\u001a ctrl-z \b backspace",
  "'' doubled '' quotes \\\\ and backslashes"
]

const rows = hostile.map((value, i) => ({
  id: i + 1,
  name: value,
  quote: value,
  tick: `t${i}'"\`\\`,
  semi: (i + 1) * 10,
  select: value,
  marks: value,
  kind: kinds[i % kinds.length] ?? null
}))

const setup = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  yield* Query.execute(Query.insert(Sentinel).values({ id: 1, note: "still here" }))
  const inserted = yield* Query.execute(Query.insert(Weird).values(rows))
  assert.strictEqual(inserted.rowsAffected, rows.length)
})

const ids = (found: ReadonlyArray<{ readonly id: number }>) => found.map((r) => r.id).sort((a, b) => a - b)
const idsWhere = (predicate: (value: string) => boolean) => rows.filter((r) => predicate(r.name)).map((r) => r.id)

/** The sentinel table and its row are still there. */
const sentinelSurvives = Effect.gen(function*() {
  const left = yield* Query.execute(Query.select(Sentinel))
  assert.deepStrictEqual(left.map((s) => [s.id, s.note]), [[1, "still here"]])
})

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Injection", (it) => {
    it.effect("hostile identifiers: the table is created, and every value comes back exactly", () =>
      Effect.gen(function*() {
        yield* setup
        const back = yield* Query.execute(Query.select(Weird).orderBy(Weird.c.id))
        assert.strictEqual(back.length, rows.length)
        back.forEach((row, i) => {
          assert.instanceOf(row, Weird)
          const expected = rows[i]!
          assert.strictEqual(row.id, expected.id)
          for (const key of ["name", "quote", "select", "marks"] as const) {
            assert.strictEqual(row[key], expected.name, `row ${expected.id}.${key}: ${JSON.stringify(row[key]).slice(0, 80)}`)
          }
          assert.strictEqual(row.tick, expected.tick)
          assert.strictEqual(row.kind, expected.kind)
          assert.strictEqual(row.semi, expected.semi)
        })
        assert.strictEqual(back.find((r) => r.id === hostile.indexOf(long) + 1)!.name.length, long.length)
        yield* sentinelSurvives
      }), { timeout: 60_000 })

    it.effect("where(col.eq(hostile)) finds exactly its row, in every hostile column", () =>
      Effect.gen(function*() {
        yield* setup
        for (const [i, value] of hostile.entries()) {
          const label = JSON.stringify(value).slice(0, 40)
          const byName = yield* Query.execute(Query.select({ id: Weird.c.id }).where(Weird.c.name.eq(value)))
          assert.deepStrictEqual(ids(byName), [i + 1], `na"me = ${label}`)
          const byOthers = yield* Query.execute(
            Query.select({ id: Weird.c.id, semi: Weird.c.semi }).where(
              Weird.c.quote.eq(value),
              Weird.c.select.eq(value),
              Weird.c.marks.eq(value)
            )
          )
          assert.deepStrictEqual(byOthers, [{ id: i + 1, semi: (i + 1) * 10 }], `it's / select / wh?at = ${label}`)
          const model = yield* Query.execute(Query.select(Weird).where(Weird.c.tick.eq(rows[i]!.tick)))
          assert.deepStrictEqual(model.map((m) => m.name), [value], `back\`tick = ${rows[i]!.tick}`)
        }
        // The values of a literal column, with quotes and a backslash.
        for (const kind of kinds) {
          if (kind === null) continue
          const found = yield* Query.execute(Query.select({ id: Weird.c.id }).where(Weird.c.kind.eq(kind)))
          assert.deepStrictEqual(ids(found), rows.filter((r) => r.kind === kind).map((r) => r.id), `ki'nd = ${kind}`)
        }
        // A value compared as a string is never SQL: these match nothing.
        const none = yield* Query.execute(Query.select({ id: Weird.c.id }).where(Weird.c.name.eq("x' OR '1'='1")))
        assert.deepStrictEqual(none, [])
        const orTrue = yield* Query.execute(Query.select({ id: Weird.c.id }).where(Weird.c.semi.ne(10), Weird.c.name.eq("\" OR 1=1 --\"")))
        assert.deepStrictEqual(orTrue, [])
        // IN lists of hostile values.
        const some = yield* Query.execute(Query.select({ id: Weird.c.id }).where(Weird.c.name.in([hostile[0]!, hostile[2]!, "nope"])))
        assert.deepStrictEqual(ids(some), [1, 3])
        yield* sentinelSurvives
      }), { timeout: 60_000 })

    it.effect("like with Expr.escapeLike matches % and _ literally; the unescaped pattern matches more", () =>
      Effect.gen(function*() {
        yield* setup
        const like = (pattern: string, escaped: boolean) =>
          Query.execute(
            Query.select({ id: Weird.c.id }).where(escaped ? Weird.c.name.like(pattern, { escape: "\\" }) : Weird.c.name.like(pattern))
          ).pipe(Effect.map(ids))

        // A literal percent sign.
        const percent = yield* like(`%${Expr.escapeLike("%")}%`, true)
        assert.deepStrictEqual(percent, idsWhere((v) => v.includes("%")))
        assert.isAbove(percent.length, 0)
        const anything = yield* like("%%%", false)
        assert.deepStrictEqual(anything, rows.map((r) => r.id), "an unescaped % matches every row")
        assert.isBelow(percent.length, anything.length)

        // A literal underscore.
        const underscore = yield* like(`%${Expr.escapeLike("a_b")}%`, true)
        assert.deepStrictEqual(underscore, idsWhere((v) => v.includes("a_b")))
        const loose = yield* like("%a_b%", false)
        assert.includeMembers(loose, [...underscore, hostile.indexOf("axb") + 1])
        assert.isAbove(loose.length, underscore.length, "an unescaped _ matches any character")

        // Both, at the start: "100%" and "%_" are different rows.
        assert.deepStrictEqual(yield* like(`${Expr.escapeLike("100%")}`, true), [hostile.indexOf("100%") + 1])
        assert.deepStrictEqual(yield* like(`${Expr.escapeLike("%_")}`, true), [hostile.indexOf("%_") + 1])

        // A literal backslash, the escape character itself, at the end.
        const backslash = yield* like(`%${Expr.escapeLike("backslash \\")}`, true)
        assert.deepStrictEqual(backslash, [hostile.indexOf("ends with a backslash \\") + 1])

        // Another escape character.
        const bang = yield* Query.execute(
          Query.select({ id: Weird.c.id }).where(Weird.c.name.like(`%${Expr.escapeLike("0%", "!")}`, { escape: "!" }))
        )
        assert.deepStrictEqual(ids(bang), [hostile.indexOf("100%") + 1])

        // ilike, escaped: case-insensitive, but the underscore is still literal.
        const ilike = yield* Query.execute(
          Query.select({ id: Weird.c.id }).where(Weird.c.name.ilike(`%${Expr.escapeLike("A_B")}%`, { escape: "\\" }))
        )
        assert.deepStrictEqual(ids(ilike), underscore)

        // A pattern that is itself an injection attempt is only a pattern.
        assert.deepStrictEqual(yield* like("%' OR '1'='1", false), [])
        yield* sentinelSurvives
      }), { timeout: 60_000 })

    it.effect("in([]) returns no rows, notIn([]) returns every row", () =>
      Effect.gen(function*() {
        yield* setup
        const none = yield* Query.execute(Query.select({ id: Weird.c.id }).where(Weird.c.id.in([])))
        assert.deepStrictEqual(none, [])
        const all = yield* Query.execute(Query.select({ id: Weird.c.id }).where(Weird.c.name.notIn([])))
        assert.deepStrictEqual(ids(all), rows.map((r) => r.id))
        const counted = yield* Query.execute(Query.select({ n: Fn.count() }).from(Weird).where(Expr.not(Weird.c.tick.in([]))))
        assert.deepStrictEqual(counted, [{ n: rows.length }])
        const deleted = yield* Query.execute(Query.delete(Weird).where(Weird.c.id.in([])))
        assert.strictEqual(deleted.rowsAffected, 0)
      }))

    it.effect("UPDATE, upsert, DELETE and RETURNING with hostile names and values", () =>
      Effect.gen(function*() {
        yield* setup
        // UPDATE: a hostile value set, found by a hostile value.
        const payload = "'); DELETE FROM x; --"
        const updated = yield* Query.execute(
          Query.update(Weird).set({ quote: payload, semi: Weird.c.semi.plus(1) }).where(Weird.c.name.eq(hostile[0]!))
        )
        assert.strictEqual(updated.rowsAffected, 1)
        const changed = yield* Query.execute(Query.select({ quote: Weird.c.quote, semi: Weird.c.semi }).where(Weird.c.id.eq(1)))
        assert.deepStrictEqual(changed, [{ quote: payload, semi: 11 }])

        // UPDATE … RETURNING (emulated on MariaDB).
        const returned = yield* Query.execute(
          Query.update(Weird).set({ select: "`select`" }).where(Weird.c.tick.eq(rows[1]!.tick)).returning({ id: Weird.c.id, sel: Weird.c.select })
        )
        assert.deepStrictEqual(returned, [{ id: 2, sel: "`select`" }])

        // Upsert on the unique column named back`tick: the conflicting row takes the new name.
        yield* Query.execute(
          Query.insert(Weird)
            .values({ id: 100, name: "new \"name\"", tick: rows[2]!.tick })
            .onConflict({ target: [Weird.c.tick], doUpdate: { name: Query.excluded(Weird.c.name) } })
        )
        const upserted = yield* Query.execute(Query.select({ id: Weird.c.id, name: Weird.c.name }).where(Weird.c.tick.eq(rows[2]!.tick)))
        assert.deepStrictEqual(upserted, [{ id: 3, name: "new \"name\"" }])
        yield* Query.execute(
          Query.insert(Weird).values({ id: 101, name: "ignored", tick: rows[3]!.tick }).onConflict({ target: [Weird.c.tick], doNothing: true })
        )
        const kept = yield* Query.execute(Query.select({ name: Weird.c.name }).where(Weird.c.tick.eq(rows[3]!.tick)))
        assert.deepStrictEqual(kept, [{ name: hostile[3]! }])

        // INSERT … RETURNING, the key filled by the database after explicit ids (PostgreSQL resyncs
        // its identity sequence by the quoted table name).
        const fresh = yield* Query.execute(Query.insert(Weird).values({ name: "$2 ? :p", tick: "fresh`'\"" }).returning(Weird))
        assert.strictEqual(fresh.length, 1)
        assert.instanceOf(fresh[0], Weird)
        assert.strictEqual(fresh[0]!.id, rows.length + 1)
        assert.strictEqual(fresh[0]!.name, "$2 ? :p")
        assert.strictEqual(fresh[0]!.quote, null)

        // DELETE … RETURNING, by a hostile value.
        if (target.capabilities.deleteReturning) {
          const gone = yield* Query.execute(Query.delete(Weird).where(Weird.c.marks.eq(hostile[12]!)).returning({ id: Weird.c.id, marks: Weird.c.marks }))
          assert.deepStrictEqual(gone, [{ id: 13, marks: hostile[12]! }])
        }
        const deleted = yield* Query.execute(Query.delete(Weird).where(Weird.c.select.eq(long)))
        assert.strictEqual(deleted.rowsAffected, 1)
        const [count] = yield* Query.execute(Query.select({ n: Fn.count() }).from(Weird))
        assert.strictEqual(count!.n, rows.length + 1 - (target.capabilities.deleteReturning ? 2 : 1))
        yield* sentinelSurvives
      }), { timeout: 60_000 })

    it.effect("hostile names for a CTE, a subquery alias, a table alias and output columns", () =>
      Effect.gen(function*() {
        yield* setup
        const cte = Query.with(
          "c\"t`e's",
          Query.select({ "o\"u`t's": Weird.c.id, "v;al": Weird.c.name }).where(Weird.c.semi.gt(100))
        )
        const fromCte = yield* Query.execute(Query.select({ id: cte.c["o\"u`t's"], value: cte.c["v;al"] }).from(cte))
        assert.deepStrictEqual(
          fromCte.map((r) => r.id).sort((a, b) => a - b),
          rows.filter((r) => r.semi > 100).map((r) => r.id)
        )
        const sub = Query.select({ "n\"`'": Fn.count(), t: Weird.c.tick }).groupBy(Weird.c.tick).as("su\"b`q'")
        const fromSub = yield* Query.execute(Query.select({ n: Fn.sum(sub.c["n\"`'"]) }).from(sub))
        assert.strictEqual(Number(fromSub[0]!.n), rows.length)
        const other = Table.alias(Weird, "o\"th`er's")
        const joined = yield* Query.execute(
          Query.select({ a: Weird.c.id, b: other.c.id }).from(Weird).join(other, other.c.semi.eq(Weird.c.semi.plus(10))).where(Weird.c.id.lt(3))
        )
        assert.deepStrictEqual(joined.map((r) => [r.a, r.b]).sort(), [[1, 2], [2, 3]])
        yield* sentinelSurvives
      }), { timeout: 60_000 })

    it.effect("dropAll drops the hostile table (and the sentinel)", () =>
      Effect.gen(function*() {
        yield* setup
        yield* sentinelSurvives
        yield* metadata.dropAll
        const after = yield* Effect.either(Query.execute(Query.select({ n: Fn.count() }).from(Weird)))
        assert.isTrue(after._tag === "Left", "the table is gone")
      }))
  })
}
