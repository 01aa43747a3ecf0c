/**
 * Computed properties without a database: their types (on instances, in `c`, never in the
 * insert, update or JSON types), the SQL they compile to per dialect, and the
 * `DefinitionError` a definition that cannot work gets. Runs under `tsc` and vitest alike.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Schema } from "effect"
import * as Column from "../src/Column.js"
import * as Computed from "../src/Computed.js"
import { DefinitionError } from "../src/Errors.js"
import * as Expr from "../src/Expr.js"
import * as Fn from "../src/Fn.js"
import * as Query from "../src/Query.js"
import * as Table from "../src/Table.js"
import { equalTypes, extendsType } from "./harness/typeAssert.js"

class User extends Table.Class<User>("User")("c_users", {
  id: Column.integer({ primaryKey: true }),
  first: Column.text(),
  last: Column.text({ nullable: true }),
  age: Column.integer({ nullable: true })
}, {
  indexes: [["last"]],
  computed: (c) => ({
    fullName: Computed.make(Fn.concat(c.first, " ", c.last)),
    nextAge: Computed.make(c.age.plus(1)),
    initial: Computed.make(Expr.raw<string>`substr(${c.first}, 1, 1)`, { get: (row: { readonly first: string }) => row.first.slice(0, 1) })
  })
}) {}

class Plain extends Table.Class<Plain>("Plain")("c_plain", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}

const definitionError = (f: () => unknown): DefinitionError => {
  try {
    f()
  } catch (e) {
    assert.instanceOf(e, DefinitionError)
    return e as DefinitionError
  }
  return assert.fail("expected a DefinitionError")
}

describe("Computed properties", () => {
  it("types: read on instances, expressions in c, absent from insert, update and JSON", () => {
    const user = new User({ id: 1, first: "Ann", last: "Lee", age: 3 })
    equalTypes<typeof user.fullName, string>()
    equalTypes<typeof user.nextAge, number | null>()
    equalTypes<typeof user.initial, string>()
    equalTypes<typeof User.c.fullName, Expr.Expr<string>>()
    equalTypes<typeof User.c.first, Column.Ref<User, "first", string>>()
    type Insert = Schema.Schema.Type<typeof User.insert>
    equalTypes<Insert, { readonly first: string; readonly id?: number; readonly last?: string | null; readonly age?: number | null }>()
    equalTypes<keyof Schema.Schema.Type<typeof User.update>, "id" | "first" | "last" | "age">()
    equalTypes<keyof Schema.Schema.Type<typeof User.json>, "id" | "first" | "last" | "age">()
    equalTypes<keyof typeof User.fields, "id" | "first" | "last" | "age">()
    // @ts-expect-error: a computed property is never written
    Query.insert(User).values({ first: "Ann", fullName: "Ann Lee" })
    // @ts-expect-error: nor given to the constructor
    void new User({ id: 1, first: "Ann", last: null, age: null, fullName: "x" })
    // A model with computed properties is a model like any other; one without stays a TableClass.
    extendsType<typeof User, Table.Any>()
    extendsType<typeof Plain, Table.TableClass<Plain, typeof Plain.fields>>()
    equalTypes<typeof Plain.c, Table.Columns<Plain, typeof Plain.fields>>()
    const aliased = Table.alias(User, "u")
    equalTypes<typeof aliased.c.fullName, Expr.Expr<string>>()
  })

  it("reads on instances without a query; not an own, enumerable or equality-relevant field", () => {
    const user = new User({ id: 1, first: "Ann", last: "Lee", age: null })
    assert.strictEqual(user.fullName, "Ann Lee")
    assert.strictEqual(user.nextAge, null)
    assert.strictEqual(user.initial, "A")
    assert.deepStrictEqual(Object.keys(user), ["id", "first", "last", "age"])
    assert.deepStrictEqual(JSON.parse(JSON.stringify(user)), { id: 1, first: "Ann", last: "Lee", age: null })
  })

  it("compiles to the same SQL as its expression, per dialect; through an alias it reads the alias", () => {
    const q = Query.select({ name: User.c.fullName }).where(User.c.nextAge.gt(18)).orderBy(User.c.fullName)
    assert.deepStrictEqual(q.toSql("sqlite"), {
      sql: `SELECT ("c_users"."first" || ? || "c_users"."last") AS "name" FROM "c_users" WHERE (("c_users"."age" + ?) > ?) ORDER BY ("c_users"."first" || ? || "c_users"."last") ASC`,
      params: [" ", 1, 18, " "]
    })
    assert.deepStrictEqual(q.toSql("mysql").sql, "SELECT CONCAT(`c_users`.`first`, ?, `c_users`.`last`) AS `name` FROM `c_users` WHERE ((`c_users`.`age` + ?) > ?) ORDER BY CONCAT(`c_users`.`first`, ?, `c_users`.`last`) ASC")
    const u = Table.alias(User, "u")
    assert.strictEqual(Query.select({ n: u.c.fullName }).from(u).toSql("postgresql").sql, `SELECT ("u"."first" || $1 || "u"."last") AS "n" FROM "c_users" AS "u"`)
  })

  it("Fn.length counts characters on every dialect", () => {
    const q = Query.select({ n: Fn.length(User.c.first) })
    assert.strictEqual(q.toSql("sqlite").sql, `SELECT LENGTH("c_users"."first") AS "n" FROM "c_users"`)
    assert.strictEqual(q.toSql("postgresql").sql, `SELECT CHAR_LENGTH("c_users"."first") AS "n" FROM "c_users"`)
    assert.strictEqual(q.toSql("mysql").sql, "SELECT CHAR_LENGTH(`c_users`.`first`) AS `n` FROM `c_users`")
  })

  it("a definition that cannot work fails with a DefinitionError naming the property", () => {
    const cols = { id: Column.integer({ primaryKey: true }), name: Column.text(), n: Column.integer() }
    const define = (computed: Table.ComputedOption<any, typeof cols, Computed.Fields>) => () =>
      Table.Class<{ readonly id: number }>("Bad")("c_bad", cols, { computed })
    const raw = definitionError(define((c) => ({ up: Computed.make(Expr.raw<string>`upper(${c.name})`) })))
    assert.include(raw.message, `computed property "up" uses Expr.raw`)
    assert.include(raw.message, "get:")
    assert.strictEqual(raw.column, "up")
    assert.include(definitionError(define((c) => ({ same: Computed.make(c.name.eq("a")) }))).message, "a comparison of text")
    assert.include(definitionError(define((c) => ({ half: Computed.make(Expr.cast(c.n, Column.numeric({ precision: 5, scale: 2 }))) }))).message, "Expr.cast")
    assert.include(definitionError(define((c) => ({ total: Computed.make(Fn.sum(c.n), { get: () => 0 }) }))).message, "sum() is an aggregate")
    assert.include(definitionError(define(() => ({ other: Computed.make(Plain.c.name, { get: () => "" }) }))).message, "c_plain.name, a column of another table")
    assert.include(definitionError(define((c) => ({ name: Computed.make(c.n) }))).message, `"name" has the name of a column`)
    assert.include(definitionError(define((c) => ({ toString: Computed.make(c.n) }))).message, "a property every instance has")
    assert.include(definitionError(define(() => ({ x: Expr.literal(1) as never }))).message, "not made with Computed.make")
    // With `get`, any per-row expression goes, a correlated subquery included.
    const ok = define((c) => ({
      named: Computed.make(Expr.exists(Query.select({ id: Plain.c.id }).from(Plain).where(Plain.c.name.eq(c.name))), { get: () => false })
    }))()
    assert.isTrue(Computed.isComputed(Computed.make(Expr.literal(1))))
    assert.strictEqual(typeof ok, "function")
  })

  it("a value given for a computed property in a Core update is refused", () => {
    assert.throws(() => Query.update(User).set({ fullName: "x" } as never), /"fullName" is a computed property of User/)
  })
})
