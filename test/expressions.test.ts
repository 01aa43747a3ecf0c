/**
 * Expression constructs of issue 14, compiled: the SQL and parameters of each dialect side by
 * side. Every statement here also runs on SQLite, PostgreSQL and MariaDB in
 * test/suite/expressions.ts; the type checks at the end are checked by `tsc`.
 */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import * as Column from "../src/Column.js"
import * as Expr from "../src/Expr.js"
import * as Query from "../src/Query.js"
import * as Table from "../src/Table.js"

class Item extends Table.Class<Item>("Item")("items", {
  id: Column.integer({ primaryKey: true }),
  name: Column.text(),
  code: Column.string({ length: 10, nullable: true }),
  n: Column.integer(),
  big: Column.bigint(),
  price: Column.numeric({ precision: 12, scale: 2 })
}) {}

const dialects = ["sqlite", "postgresql", "mysql"] as const
type Expected = { readonly [D in (typeof dialects)[number]]: readonly [sql: string, params: ReadonlyArray<unknown>] }

const check = (query: Query.Compilable, expected: Expected) => {
  for (const dialect of dialects) {
    const [sql, params] = expected[dialect]
    assert.deepStrictEqual(query.toSql(dialect), { sql, params }, dialect)
  }
}

const sel = <A>(x: Expr.Expr<A>) => Query.select({ x }).from(Item)
const dec = BigDecimal.unsafeFromString

describe("Expression constructs (issue 14)", () => {
  describe("Expr.tuple", () => {
    it("IN a list of rows: each value encoded as its element's column (a numeric at its scale); SQLite takes the rows as VALUES", () => {
      check(Query.select({ id: Item.c.id }).from(Item).where(Expr.tuple(Item.c.id, Item.c.price).in([[1, dec("2.5")], [3, dec("4")]])), {
      sqlite: [`SELECT "items"."id" AS "id" FROM "items" WHERE (("items"."id", "items"."price") IN (VALUES (?, ?), (?, ?)))`, [1, "2.50", 3, "4.00"]],
      postgresql: [`SELECT "items"."id" AS "id" FROM "items" WHERE (("items"."id", "items"."price") IN (($1, $2), ($3, $4)))`, [1, "2.50", 3, "4.00"]],
      mysql: ["SELECT `items`.`id` AS `id` FROM `items` WHERE ((`items`.`id`, `items`.`price`) IN ((?, ?), (?, ?)))", [1, "2.50", 3, "4.00"]]
      })
    })

    it("NOT IN a query of as many columns", () => {
      check(Query.select({ id: Item.c.id }).from(Item).where(Expr.tuple(Item.c.id, Item.c.n).notIn(Query.select({ a: Item.c.id, b: Item.c.n }).from(Item))), {
      sqlite: [`SELECT "items"."id" AS "id" FROM "items" WHERE (("items"."id", "items"."n") NOT IN (SELECT "items"."id" AS "a", "items"."n" AS "b" FROM "items"))`, []],
      postgresql: [`SELECT "items"."id" AS "id" FROM "items" WHERE (("items"."id", "items"."n") NOT IN (SELECT "items"."id" AS "a", "items"."n" AS "b" FROM "items"))`, []],
      mysql: ["SELECT `items`.`id` AS `id` FROM `items` WHERE ((`items`.`id`, `items`.`n`) NOT IN (SELECT `items`.`id` AS `a`, `items`.`n` AS `b` FROM `items`))", []]
      })
    })

    it("an empty list is false (NOT IN: true); a row or a query of the wrong width is refused when built", () => {
      assert.strictEqual(sel(Expr.tuple(Item.c.id, Item.c.n).in([])).toSql("sqlite").sql, `SELECT (1 = 0) AS "x" FROM "items"`)
      assert.strictEqual(sel(Expr.tuple(Item.c.id, Item.c.n).notIn([])).toSql("sqlite").sql, `SELECT (1 = 1) AS "x" FROM "items"`)
      assert.throws(() => Expr.tuple(Item.c.id, Item.c.n).in([[1] as never]), TypeError)
      assert.throws(() => Expr.tuple(Item.c.id, Item.c.n).in(Query.select({ a: Item.c.id }).from(Item)), /tuple of 2 .* 1 columns/)
    })
  })

  it("IS [NOT] DISTINCT FROM: PostgreSQL as is, SQLite IS NOT / IS, MariaDB <=>", () => {
    check(Query.select({ a: Item.c.code.isDistinctFrom("x"), b: Expr.isNotDistinctFrom(Item.c.code, null) }).from(Item), {
      sqlite: [`SELECT ("items"."code" IS NOT ?) AS "a", ("items"."code" IS ?) AS "b" FROM "items"`, ["x", null]],
      postgresql: [`SELECT ("items"."code" IS DISTINCT FROM $1) AS "a", ("items"."code" IS NOT DISTINCT FROM $2) AS "b" FROM "items"`, ["x", null]],
      mysql: ["SELECT (NOT (`items`.`code` <=> ?)) AS `a`, (`items`.`code` <=> ?) AS `b` FROM `items`", ["x", null]]
    })
  })

  describe("Expr.cast", () => {
    it("to a column type, spelled per dialect (MariaDB: SIGNED, DECIMAL, CHAR; SQLite: SUBSTR for a length)", () => {
      check(
        Query.select({
          a: Expr.cast(Item.c.code, Column.integer()),
          b: Expr.cast(Item.c.n, Column.numeric({ precision: 8, scale: 2 })),
          c: Expr.cast(Item.c.n, Column.string({ length: 5 })),
          d: Expr.cast(Item.c.n, Column.boolean())
        }).from(Item),
        {
      sqlite: [`SELECT CAST("items"."code" AS INTEGER) AS "a", CAST("items"."n" AS NUMERIC) AS "b", SUBSTR(CAST("items"."n" AS TEXT), 1, 5) AS "c", (CAST("items"."n" AS INTEGER) <> 0) AS "d" FROM "items"`, []],
      postgresql: [`SELECT CAST("items"."code" AS INTEGER) AS "a", CAST("items"."n" AS NUMERIC(8, 2)) AS "b", CAST("items"."n" AS VARCHAR(5)) AS "c", CAST("items"."n" AS BOOLEAN) AS "d" FROM "items"`, []],
      mysql: ["SELECT CAST(`items`.`code` AS SIGNED) AS `a`, CAST(`items`.`n` AS DECIMAL(8, 2)) AS `b`, CAST(`items`.`n` AS CHAR(5)) AS `c`, (CAST(`items`.`n` AS SIGNED) <> 0) AS `d` FROM `items`", []]
        }
      )
    })

    it("a target the database cannot cast to fails when compiled, naming the database; a non-column target is a TypeError", () => {
      assert.throws(() => sel(Expr.cast(Item.c.name, Column.dateTime())).toSql("sqlite"), /cannot CAST on sqlite: SQLite has no date-time type/)
      assert.throws(() => sel(Expr.cast(Item.c.name, Column.json(Column.text()))).toSql("mysql"), /cannot CAST on mysql: MariaDB has no JSON type/)
      assert.throws(() => sel(Expr.cast(Item.c.name, Column.literal("a", "b"))).toSql("postgresql"), /not a CAST target/)
      assert.match(sel(Expr.cast(Item.c.name, Column.dateTime({ timezone: true }))).toSql("postgresql").sql, /CAST\("items"."name" AS TIMESTAMP\(6\) WITH TIME ZONE\)/)
      assert.throws(() => Expr.cast(Item.c.name, "integer" as never), TypeError)
    })
  })

  describe("regular expressions", () => {
    it("match and replace-all, pattern and replacement bound; flags 'i' only", () => {
      check(
        Query.select({ a: Item.c.name.regexpMatch("^a+"), b: Item.c.name.regexpMatch("^a+", { flags: "i" }), c: Item.c.name.regexpReplace("(a)", "<\\1>", { flags: "i" }) }).from(Item),
        {
      sqlite: [`SELECT regexp(?, "items"."name") AS "a", regexp(?, "items"."name", 'i') AS "b", regexp_replace("items"."name", ?, ?, 'i') AS "c" FROM "items"`, ["^a+", "^a+", "(a)", "<\\1>"]],
      postgresql: [`SELECT ("items"."name" ~ $1) AS "a", ("items"."name" ~* $2) AS "b", regexp_replace("items"."name", $3, $4, 'gi') AS "c" FROM "items"`, ["^a+", "^a+", "(a)", "<\\1>"]],
      mysql: ["SELECT (`items`.`name` REGEXP CONCAT('(?-i)', ?)) AS `a`, (`items`.`name` REGEXP CONCAT('(?i)', ?)) AS `b`, REGEXP_REPLACE(`items`.`name`, CONCAT('(?i)', ?), ?) AS `c` FROM `items`", ["^a+", "^a+", "(a)", "<\\1>"]]
        }
      )
    })

    it("any other flag is refused when built", () => {
      assert.throws(() => Item.c.name.regexpMatch("a", { flags: "g" as never }), /flags are "" or "i"/)
      assert.throws(() => Item.c.name.regexpReplace("a", "b", { flags: "im" as never }), TypeError)
    })
  })

  describe("startsWith / endsWith / contains", () => {
    it("a string: escaped into a bound LIKE pattern, case-sensitive LIKE (MariaDB: LIKE BINARY); caseInsensitive: ILIKE / LOWER", () => {
      check(Query.select({ a: Item.c.name.startsWith("5%_!"), b: Item.c.name.endsWith("x"), c: Item.c.name.contains("y", { caseInsensitive: true }) }).from(Item), {
      sqlite: [`SELECT ("items"."name" LIKE ? ESCAPE '!') AS "a", ("items"."name" LIKE ? ESCAPE '!') AS "b", (LOWER("items"."name") LIKE LOWER(?) ESCAPE '!') AS "c" FROM "items"`, ["5!%!_!!%", "%x", "%y%"]],
      postgresql: [`SELECT ("items"."name" LIKE $1 ESCAPE '!') AS "a", ("items"."name" LIKE $2 ESCAPE '!') AS "b", ("items"."name" ILIKE $3 ESCAPE '!') AS "c" FROM "items"`, ["5!%!_!!%", "%x", "%y%"]],
      mysql: ["SELECT (`items`.`name` LIKE BINARY ? ESCAPE '!') AS `a`, (`items`.`name` LIKE BINARY ? ESCAPE '!') AS `b`, (LOWER(`items`.`name`) LIKE LOWER(?) ESCAPE '!') AS `c` FROM `items`", ["5!%!_!!%", "%x", "%y%"]]
      })
    })

    it("an expression: escaped in SQL with REPLACE", () => {
      check(sel(Expr.literal("abc").startsWith(Item.c.name)), {
      sqlite: [`SELECT (? LIKE (REPLACE(REPLACE(REPLACE("items"."name", '!', '!!'), '%', '!%'), '_', '!_') || '%') ESCAPE '!') AS "x" FROM "items"`, ["abc"]],
      postgresql: [`SELECT (CAST($1 AS TEXT) LIKE (REPLACE(REPLACE(REPLACE("items"."name", '!', '!!'), '%', '!%'), '_', '!_') || '%') ESCAPE '!') AS "x" FROM "items"`, ["abc"]],
      mysql: ["SELECT (? LIKE BINARY CONCAT(REPLACE(REPLACE(REPLACE(`items`.`name`, '!', '!!'), '%', '!%'), '_', '!_'), '%') ESCAPE '!') AS `x` FROM `items`", ["abc"]]
      })
    })
  })

  describe("Expr.raw", () => {
    it("as a tagged template: expressions written as SQL, other values bound (typed on PostgreSQL)", () => {
      check(Query.select({ id: Item.c.id }).from(Item).where(Expr.raw<boolean>`lower(${Item.c.name}) = ${"ann"} AND ${Item.c.n} > ${2}`), {
      sqlite: [`SELECT "items"."id" AS "id" FROM "items" WHERE lower("items"."name") = ? AND "items"."n" > ?`, ["ann", 2]],
      postgresql: [`SELECT "items"."id" AS "id" FROM "items" WHERE lower("items"."name") = CAST($1 AS TEXT) AND "items"."n" > CAST($2 AS INTEGER)`, ["ann", 2]],
      mysql: ["SELECT `items`.`id` AS `id` FROM `items` WHERE lower(`items`.`name`) = ? AND `items`.`n` > ?", ["ann", 2]]
      })
    })

    it("still takes plain text; a CTE used inside a template is found", () => {
      assert.strictEqual(sel(Expr.raw<number>("1 + 1")).toSql("sqlite").sql, `SELECT 1 + 1 AS "x" FROM "items"`)
      const small = Query.with("small", Query.select({ id: Item.c.id }).from(Item).where(Item.c.n.lt(3)))
      const q = Query.select({ id: Item.c.id }).from(Item).where(Expr.raw<boolean>`${Item.c.id} IN (${Query.select({ id: small.c.id }).from(small)})`)
      assert.strictEqual(
        q.toSql("sqlite").sql,
        `WITH "small" ("id") AS (SELECT "items"."id" AS "id" FROM "items" WHERE ("items"."n" < ?)) SELECT "items"."id" AS "id" FROM "items" WHERE "items"."id" IN ((SELECT "small"."id" AS "id" FROM "small"))`
      )
    })
  })

  describe("division", () => {
    it("div is true division: an integer dividend as a double; decimals stay decimal; an expression divisor under NULLIF", () => {
      check(Query.select({ a: Item.c.n.div(4), b: Item.c.n.div(Item.c.big), c: Item.c.price.div(Item.c.price) }).from(Item), {
      sqlite: [`SELECT (CAST("items"."n" AS REAL) / ?) AS "a", (CAST("items"."n" AS REAL) / NULLIF("items"."big", 0)) AS "b", ("items"."price" / NULLIF("items"."price", 0)) AS "c" FROM "items"`, [4]],
      postgresql: [`SELECT (CAST("items"."n" AS DOUBLE PRECISION) / $1) AS "a", (CAST("items"."n" AS DOUBLE PRECISION) / NULLIF("items"."big", 0)) AS "b", ("items"."price" / NULLIF("items"."price", 0)) AS "c" FROM "items"`, [4]],
      mysql: ["SELECT (CAST(`items`.`n` AS DOUBLE) / ?) AS `a`, (CAST(`items`.`n` AS DOUBLE) / NULLIF(`items`.`big`, 0)) AS `b`, (`items`.`price` / NULLIF(`items`.`price`, 0)) AS `c` FROM `items`", [4]]
      })
    })

    it("floorDiv of integers is exact integer arithmetic, rounding toward minus infinity", () => {
      check(Query.select({ a: Item.c.n.floorDiv(4) }).from(Item), {
      sqlite: [`SELECT ((CAST("items"."n" AS INTEGER) / CAST(? AS INTEGER)) - (CASE WHEN (CAST("items"."n" AS INTEGER) % CAST(? AS INTEGER)) <> 0 AND (("items"."n" < 0) <> (? < 0)) THEN 1 ELSE 0 END)) AS "a" FROM "items"`, [4, 4, 4]],
      postgresql: [`SELECT (("items"."n" / $1) - (CASE WHEN ("items"."n" % $1) <> 0 AND (("items"."n" < 0) <> ($1 < 0)) THEN 1 ELSE 0 END)) AS "a" FROM "items"`, [4]],
      mysql: ["SELECT ((`items`.`n` DIV ?) - (CASE WHEN (`items`.`n` % ?) <> 0 AND ((`items`.`n` < 0) <> (? < 0)) THEN 1 ELSE 0 END)) AS `a` FROM `items`", [4, 4, 4]]
      })
    })

    it("a constant zero divisor is refused when built", () => {
      assert.throws(() => Item.c.n.div(0), /division by a constant zero/)
      assert.throws(() => Item.c.big.floorDiv(0n), /division by a constant zero/)
      assert.throws(() => Item.c.price.div(dec("0.00")), /division by a constant zero/)
    })
  })

  it("types: tuple rows, cast targets, division results", () => {
    const t = Expr.tuple(Item.c.id, Item.c.name)
    t.in([[1, "a"]])
    // @ts-expect-error the second element is text
    t.in([[1, 2]])
    const i: Expr.Expr<number | null> = Expr.cast(Item.c.code, Column.integer())
    const j: Expr.Expr<number> = Expr.cast(Item.c.name, Column.integer())
    // @ts-expect-error a nullable operand casts to a nullable value
    const k: Expr.Expr<number> = Expr.cast(Item.c.code, Column.integer())
    const q1: Expr.Expr<number> = Item.c.big.div(2n)
    const q2: Expr.Expr<bigint> = Item.c.big.floorDiv(2n)
    const q3: Expr.Expr<BigDecimal.BigDecimal | null> = Item.c.price.div(Item.c.price)
    // @ts-expect-error an expression divisor may be zero: the quotient may be NULL
    const q4: Expr.Expr<number> = Item.c.n.div(Item.c.n)
    // @ts-expect-error regular expressions are for text
    Item.c.n.regexpMatch("1")
    // @ts-expect-error startsWith is for text
    Item.c.n.startsWith("1")
    assert.ok([i, j, k, q1, q2, q3, q4].every(Expr.isExpr))
  })
})
