/**
 * Computed properties on a real database: each one selected as SQL and read on the
 * instances of the same rows gives the same value (NULLs included); they filter and sort
 * in Core selects and session queries, read through an alias, follow an update in the
 * session, and are never written (no DDL column, a value given for one is refused).
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { BigDecimal, Effect, Either, Option, Schema } from "effect"
import * as Column from "../../src/Column.js"
import * as Computed from "../../src/Computed.js"
import * as Expr from "../../src/Expr.js"
import * as Fn from "../../src/Fn.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

const dec = (s: string) => BigDecimal.unsafeFromString(s)

class Person extends Table.Class<Person>("Person")("cp_people", {
  id: Column.integer({ primaryKey: true }),
  first: Column.string({ length: 40 }),
  last: Column.string({ length: 40, nullable: true }),
  nick: Column.text({ nullable: true }),
  age: Column.integer({ nullable: true }),
  score: Column.integer({ nullable: true }),
  weight: Column.float({ nullable: true }),
  balance: Column.numeric({ precision: 10, scale: 2, nullable: true }),
  big: Column.bigint({ nullable: true }),
  active: Column.boolean({ nullable: true }),
  role: Column.literal("admin", "member", "guest").with({ nullable: true })
}, {
  computed: (c) => ({
    fullName: Computed.make(Fn.concat(c.first, " ", c.last)),
    shown: Computed.make(Fn.coalesce(c.nick, c.first)),
    shout: Computed.make(Fn.upper(c.first)),
    quiet: Computed.make(Fn.lower(c.last)),
    nickLength: Computed.make(Fn.length(c.nick)),
    roleTag: Computed.make(Fn.concat("[", c.role, "]")),
    nextAge: Computed.make(c.age.plus(1)),
    product: Computed.make(c.age.times(c.score)),
    gap: Computed.make(c.score.minus(c.age)),
    ratio: Computed.make(c.score.div(c.age)),
    perTwo: Computed.make(c.score.div(2)),
    halves: Computed.make(c.score.floorDiv(2)),
    floorRatio: Computed.make(c.score.floorDiv(c.age)),
    weightFloor: Computed.make(c.weight.floorDiv(c.age)),
    heavier: Computed.make(c.weight.times(2)),
    doubled: Computed.make(c.balance.plus(c.balance)),
    owed: Computed.make(c.balance.minus(dec("0.25"))),
    bigNext: Computed.make(c.big.plus(1n)),
    bigHalves: Computed.make(c.big.floorDiv(2n)),
    adult: Computed.make(c.age.gte(18)),
    teen: Computed.make(c.age.between(13, 19)),
    small: Computed.make(c.score.in([1, 2, 3])),
    notSmall: Computed.make(c.score.notIn([1, 2, 3])),
    rich: Computed.make(c.balance.gt(dec("1.00"))),
    huge: Computed.make(c.big.gt(9007199254740992n)),
    keen: Computed.make(Expr.and(c.active, c.age.gt(20))),
    either: Computed.make(Expr.or(c.active, c.score.lt(0))),
    idle: Computed.make(Expr.not(c.active)),
    ageless: Computed.make(c.age.isNull()),
    even: Computed.make(Expr.isNotDistinctFrom(c.age, c.score)),
    odd: Computed.make(Expr.isDistinctFrom(c.age, c.score)),
    group: Computed.make(Expr.case([[c.age.lt(18), "minor"], [c.age.gte(65), "senior"]], "adult")),
    maybe: Computed.make(Expr.case([[c.active, c.score]])),
    isAnn: Computed.make(c.first.eq("Ann"), { get: (row: { readonly first: string }) => row.first === "Ann" })
  })
}) {}

const metadata = MetaData.make(Person)
const fresh = Effect.zipRight(metadata.dropAll, metadata.createAll)

const rows = [
  { id: 1, first: "Ann", last: "Lee", nick: null, age: 30, score: 6, weight: 61.5, balance: dec("1.50"), big: 9007199254740993n, active: true, role: "admin" },
  { id: 2, first: "Bob", last: null, nick: "bobby", age: null, score: 0, weight: null, balance: null, big: null, active: null, role: null },
  { id: 3, first: "Cy", last: "Dee", nick: "Zoë", age: 15, score: -7, weight: 48.25, balance: dec("-2.25"), big: -5n, active: false, role: "guest" },
  { id: 4, first: "Di", last: "Eve", nick: "", age: 0, score: 3, weight: 70, balance: dec("0.00"), big: 3n, active: true, role: "member" },
  { id: 5, first: "Ed", last: "Fox", nick: null, age: 70, score: null, weight: -3.5, balance: dec("99.99"), big: -9n, active: null, role: "member" },
  { id: 6, first: "Flo", last: "Gee", nick: null, age: 3, score: 3, weight: 10, balance: dec("0.01"), big: 0n, active: false, role: null }
] as const

const names = Object.keys(Person.c).filter((k) => !(k in Person.fields))

/** A value in a form that compares by value (BigDecimals normalized, bigints marked). */
const shown = (v: unknown): unknown =>
  BigDecimal.isBigDecimal(v) ? `decimal ${BigDecimal.format(BigDecimal.normalize(v))}` : typeof v === "bigint" ? `${v}n` : v

const insertAll = Query.execute(Query.insert(Person).values(rows.map((r) => ({ ...r }))))

const withSession = <A, E, R>(f: (session: Session.Session) => Effect.Effect<A, E, R>) => Effect.scoped(Effect.flatMap(Session.make, f))

export const suite: Suite = (layer, target) => {
  // Known Core limitation, not of computed properties: MariaDB gets a bigint parameter as
  // text and adds it to a BIGINT in floating point, so `big + 1` past 2^53 is not exact there.
  const inexact = (name: string) => target.dialect === "mysql" && name === "bigNext"
  /** The computed properties selected as SQL, by row id, and the instances of the same rows. */
  const both = (selected: ReadonlyArray<string>, where: Expr.Expr<boolean>) =>
    Effect.all([
      Query.execute(
        Query.select(Object.fromEntries([["id", Person.c.id], ...selected.map((n) => [n, Person.c[n as keyof typeof Person.c]])]) as { id: typeof Person.c.id })
          .where(where)
          .orderBy(Person.c.id)
      ),
      Query.execute(Query.select(Person).where(where).orderBy(Person.c.id))
    ])
  const same = (selected: ReadonlyArray<string>, sql: ReadonlyArray<unknown>, instances: ReadonlyArray<Person>) => {
    assert.strictEqual(sql.length, instances.length)
    for (const [i, instance] of instances.entries()) {
      const fromSql = sql[i] as Record<string, unknown>
      for (const name of selected) {
        assert.deepStrictEqual(shown((instance as unknown as Record<string, unknown>)[name]), shown(fromSql[name]), `${name} of row ${instance.id}`)
      }
    }
  }
  testLayer(layer, { excludeTestServices: true })("Computed properties", (it) => {
    it.effect("every computed property reads the same on an instance as the database gives in SQL, NULLs included", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* insertAll
        const selected = names.filter((n) => !inexact(n))
        const [sql, instances] = yield* both(selected, Expr.literal(true))
        assert.strictEqual(sql.length, rows.length)
        assert.isAbove(selected.length, 30)
        same(selected, sql, instances)
        if (selected.length < names.length) {
          const [small, theirs] = yield* both(names.filter(inexact), Person.c.id.ne(1))
          same(names.filter(inexact), small, theirs)
        }
        // Spot checks that the common reading is SQL's.
        const [ann, bob, cy, di] = instances
        assert.strictEqual(ann!.fullName, "Ann Lee")
        assert.strictEqual(bob!.fullName, null as unknown as string)
        assert.strictEqual(bob!.shown, "bobby")
        assert.strictEqual(cy!.nickLength, 3)
        assert.strictEqual(di!.ratio, null)
        assert.strictEqual(ann!.ratio, 0.2)
        assert.strictEqual(cy!.halves, -4)
        assert.strictEqual(ann!.bigNext, 9007199254740994n)
        assert.strictEqual(cy!.group, "minor")
        assert.strictEqual(bob!.keen, null as unknown as boolean)
        assert.strictEqual(cy!.keen, false)
      }))

    it.effect("a computed property filters, sorts and is selected in a Core select", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* insertAll
        const adults = yield* Query.execute(
          Query.select({ id: Person.c.id, name: Person.c.fullName, next: Person.c.nextAge })
            .where(Person.c.adult, Person.c.fullName.isNotNull())
            .orderBy(Person.c.nextAge.desc())
        )
        assert.deepStrictEqual(adults, [{ id: 5, name: "Ed Fox", next: 71 }, { id: 1, name: "Ann Lee", next: 31 }])
        const byName = yield* Query.execute(Query.select(Person).where(Person.c.fullName.isNotNull()).orderBy(Person.c.fullName.desc()))
        assert.deepStrictEqual(byName.map((p) => p.fullName), ["Flo Gee", "Ed Fox", "Di Eve", "Cy Dee", "Ann Lee"])
        const grouped = yield* Query.execute(
          Query.select({ group: Person.c.group, n: Fn.count() }).from(Person).groupBy(Person.c.group).orderBy(Person.c.group)
        )
        assert.deepStrictEqual(grouped, [{ group: "adult", n: 2 }, { group: "minor", n: 3 }, { group: "senior", n: 1 }])
        const explicit = yield* Query.execute(Query.select({ id: Person.c.id }).where(Person.c.isAnn))
        assert.deepStrictEqual(explicit, [{ id: 1 }])
      }))

    it.effect("a computed property filters and sorts in a session query; instances read it after get, query and insert", () =>
      withSession((s) =>
        Effect.gen(function*() {
          yield* fresh
          yield* insertAll
          const found = yield* s.query(Person).where(Expr.not(Person.c.teen)).where(Person.c.ratio.gt(0.5)).orderBy(Person.c.ratio.desc()).all
          assert.deepStrictEqual(found.map((p) => [p.id, p.ratio]), [[6, 1]])
          const sorted = yield* s.query(Person).where(Person.c.doubled.isNotNull()).orderBy(Person.c.doubled).all
          assert.deepStrictEqual(sorted.map((p) => p.id), [3, 4, 6, 1, 5])
          assert.strictEqual(yield* s.query(Person).where(Person.c.keen).count, 1)
          const ann = Option.getOrThrow(yield* s.get(Person, 1))
          assert.strictEqual(ann.fullName, "Ann Lee")
          const gus = yield* s.insert(Person, { first: "Gus", last: "Hay", age: 40, score: 10 })
          assert.strictEqual(gus.fullName, "Gus Hay")
          assert.strictEqual(gus.ratio, 0.25)
          assert.strictEqual(gus.adult, true)
          yield* s.add(Person, { id: 20, first: "Hal", last: null })
          const hal = yield* s.query(Person).where(Person.c.shown.eq("Hal")).one
          assert.strictEqual(hal.id, 20)
          assert.strictEqual(hal.fullName, null as unknown as string)
        })
      ))

    it.effect("after an update of a column in the session, the instance reads the new value", () =>
      withSession((s) =>
        Effect.gen(function*() {
          yield* fresh
          yield* insertAll
          const bob = Option.getOrThrow(yield* s.get(Person, 2))
          assert.strictEqual(bob.fullName, null as unknown as string)
          const renamed = yield* s.update(bob, { last: "Ray", age: 17 })
          assert.strictEqual(renamed.fullName, "Bob Ray")
          assert.strictEqual(renamed.teen, true)
          assert.strictEqual(bob.fullName, null as unknown as string, "the old instance keeps its values")
          // The database agrees once the update is flushed (a query autoflushes).
          const matched = yield* s.query(Person).where(Person.c.fullName.eq("Bob Ray")).all
          assert.deepStrictEqual(matched.map((p) => [p.id, p.fullName, p.nextAge]), [[2, "Bob Ray", 18]])
          yield* s.commit
          const again = Option.getOrThrow(yield* s.get(Person, 2))
          assert.strictEqual(again.fullName, "Bob Ray")
        })
      ))

    it.effect("through an alias, a computed property reads the alias' columns", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* insertAll
        const other = Table.alias(Person, "other")
        const pairs = yield* Query.execute(
          Query.select({ a: Person.c.fullName, b: other.c.fullName })
            .from(Person)
            .join(other, other.c.id.eq(Person.c.id.plus(1)))
            .where(other.c.adult)
            .orderBy(Person.c.id)
        )
        assert.deepStrictEqual(pairs, [{ a: "Di Eve", b: "Ed Fox" }])
      }))

    it.effect("computed properties are never written: no column in the DDL, a value for one refused", () =>
      Effect.zipRight(Effect.zipRight(fresh, insertAll), withSession((s) =>
        Effect.gen(function*() {
          const ddl = metadata.ddl("sqlite").join("\n")
          assert.notInclude(ddl, "fullName")
          assert.notInclude(ddl, "nextAge")
          const inserted = yield* Effect.either(s.insert(Person, { first: "X", fullName: "Y Z" } as never))
          assert.isTrue(Either.isLeft(inserted))
          assert.include(Either.isLeft(inserted) ? inserted.left.message : "", "\"fullName\" is a computed property")
          const ann = Option.getOrThrow(yield* s.get(Person, 1))
          const updated = yield* Effect.either(s.update(ann, { fullName: "No Body" } as never))
          assert.isTrue(Either.isLeft(updated))
          assert.include(Either.isLeft(updated) ? updated.left.message : "", "\"fullName\" is a computed property")
          // The JSON of a row holds its columns only: decoding it back must give the same row.
          const json = Schema.encodeSync(Person.json)(ann)
          assert.notProperty(json, "fullName")
          assert.strictEqual(json.first, "Ann")
        })
      )))
  })
}
