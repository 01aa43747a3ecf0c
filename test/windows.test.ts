/**
 * Window function and frame compile tests (issue 14), no database: the SQL and parameters
 * of each dialect side by side; the behaviour is in test/suite/windows.ts. Offsets are
 * written into the SQL as numbers checked when built (MariaDB takes no parameter there);
 * defaults are parameters.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Column from "../src/Column.js"
import type * as Expr from "../src/Expr.js"
import * as Fn from "../src/Fn.js"
import * as Query from "../src/Query.js"
import * as Table from "../src/Table.js"

class Sale extends Table.Class<Sale>("Sale")("sales", {
  id: Column.integer({ primaryKey: true }),
  region: Column.text(),
  amount: Column.integer()
}) {}

const dialects = ["sqlite", "postgresql", "mysql"] as const
type Expected = { readonly [D in (typeof dialects)[number]]: readonly [sql: string, params: ReadonlyArray<unknown>] }

const check = (query: Query.Compilable, expected: Expected) => {
  for (const dialect of dialects) {
    const [sql, params] = expected[dialect]
    assert.deepStrictEqual(query.toSql(dialect), { sql, params }, dialect)
  }
}

describe("Window functions", () => {
  it("lag with a default (emulated on MariaDB) and lead", () => {
    check(Query.select({ p: Fn.lag(Sale.c.amount, 2, 0).over({ partitionBy: [Sale.c.region], orderBy: [Sale.c.id] }), n: Fn.lead(Sale.c.amount).over({ orderBy: [Sale.c.id] }) }).from(Sale), {
      sqlite: ["SELECT LAG(\"sales\".\"amount\", 2, ?) OVER (PARTITION BY \"sales\".\"region\" ORDER BY \"sales\".\"id\" ASC) AS \"p\", LEAD(\"sales\".\"amount\", 1) OVER (ORDER BY \"sales\".\"id\" ASC) AS \"n\" FROM \"sales\"", [0]],
      postgresql: ["SELECT LAG(\"sales\".\"amount\", 2, $1) OVER (PARTITION BY \"sales\".\"region\" ORDER BY \"sales\".\"id\" ASC) AS \"p\", LEAD(\"sales\".\"amount\", 1) OVER (ORDER BY \"sales\".\"id\" ASC) AS \"n\" FROM \"sales\"", [0]],
      mysql: ["SELECT (CASE WHEN ROW_NUMBER() OVER (PARTITION BY `sales`.`region` ORDER BY `sales`.`id` ASC) > 2 THEN LAG(`sales`.`amount`, 2) OVER (PARTITION BY `sales`.`region` ORDER BY `sales`.`id` ASC) ELSE ? END) AS `p`, LEAD(`sales`.`amount`, 1) OVER (ORDER BY `sales`.`id` ASC) AS `n` FROM `sales`", [0]]
    })
  })

  it("ROWS and RANGE frames, offsets written as checked numbers", () => {
    check(Query.select({ r: Fn.sum(Sale.c.amount).over({ partitionBy: [Sale.c.region], orderBy: [Sale.c.id], rows: { start: "unboundedPreceding", end: "currentRow" } }), m: Fn.avg(Sale.c.amount).over({ orderBy: [Sale.c.id], rows: { start: { preceding: 1 }, end: { following: 1 } } }), g: Fn.count().over({ orderBy: [Sale.c.amount], range: { start: { preceding: 5 }, end: "unboundedFollowing" } }) }).from(Sale), {
      sqlite: ["SELECT SUM(\"sales\".\"amount\") OVER (PARTITION BY \"sales\".\"region\" ORDER BY \"sales\".\"id\" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS \"r\", AVG(\"sales\".\"amount\") OVER (ORDER BY \"sales\".\"id\" ASC ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS \"m\", COUNT(*) OVER (ORDER BY \"sales\".\"amount\" ASC RANGE BETWEEN 5 PRECEDING AND UNBOUNDED FOLLOWING) AS \"g\" FROM \"sales\"", []],
      postgresql: ["SELECT SUM(\"sales\".\"amount\") OVER (PARTITION BY \"sales\".\"region\" ORDER BY \"sales\".\"id\" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS \"r\", AVG(\"sales\".\"amount\") OVER (ORDER BY \"sales\".\"id\" ASC ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS \"m\", COUNT(*) OVER (ORDER BY \"sales\".\"amount\" ASC RANGE BETWEEN 5 PRECEDING AND UNBOUNDED FOLLOWING) AS \"g\" FROM \"sales\"", []],
      mysql: ["SELECT SUM(`sales`.`amount`) OVER (PARTITION BY `sales`.`region` ORDER BY `sales`.`id` ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `r`, AVG(`sales`.`amount`) OVER (ORDER BY `sales`.`id` ASC ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS `m`, COUNT(*) OVER (ORDER BY `sales`.`amount` ASC RANGE BETWEEN 5 PRECEDING AND UNBOUNDED FOLLOWING) AS `g` FROM `sales`", []]
    })
  })

  it("ntile, firstValue, lastValue over the whole partition", () => {
    check(Query.select({ t: Fn.ntile(4).over({ orderBy: [Sale.c.amount.desc()] }), f: Fn.firstValue(Sale.c.amount).over({ orderBy: [Sale.c.id] }), l: Fn.lastValue(Sale.c.amount).over({ orderBy: [Sale.c.id], rows: { start: "unboundedPreceding", end: "unboundedFollowing" } }) }).from(Sale), {
      sqlite: ["SELECT NTILE(4) OVER (ORDER BY \"sales\".\"amount\" DESC) AS \"t\", FIRST_VALUE(\"sales\".\"amount\") OVER (ORDER BY \"sales\".\"id\" ASC) AS \"f\", LAST_VALUE(\"sales\".\"amount\") OVER (ORDER BY \"sales\".\"id\" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS \"l\" FROM \"sales\"", []],
      postgresql: ["SELECT NTILE(4) OVER (ORDER BY \"sales\".\"amount\" DESC) AS \"t\", FIRST_VALUE(\"sales\".\"amount\") OVER (ORDER BY \"sales\".\"id\" ASC) AS \"f\", LAST_VALUE(\"sales\".\"amount\") OVER (ORDER BY \"sales\".\"id\" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS \"l\" FROM \"sales\"", []],
      mysql: ["SELECT NTILE(4) OVER (ORDER BY `sales`.`amount` DESC) AS `t`, FIRST_VALUE(`sales`.`amount`) OVER (ORDER BY `sales`.`id` ASC) AS `f`, LAST_VALUE(`sales`.`amount`) OVER (ORDER BY `sales`.`id` ASC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `l` FROM `sales`", []]
    })
  })

  it("invalid frames and counts are a TypeError when built", () => {
    const sum = Fn.sum(Sale.c.amount)
    const order = [Sale.c.id]
    const bad = (f: () => unknown, message: RegExp) => assert.throws(f, TypeError, message)
    bad(() => sum.over({ orderBy: order, rows: { start: "unboundedFollowing", end: "unboundedFollowing" } }), /start at unboundedFollowing/)
    bad(() => sum.over({ orderBy: order, rows: { start: "currentRow", end: "unboundedPreceding" } }), /end at unboundedPreceding/)
    bad(() => sum.over({ orderBy: order, rows: { start: { following: 1 }, end: "currentRow" } }), /after its end/)
    bad(() => sum.over({ orderBy: order, rows: { start: { preceding: 1 }, end: { preceding: 2 } } }), /after its end/)
    bad(() => sum.over({ orderBy: order, rows: { start: { following: 3 }, end: { following: 1 } } }), /after its end/)
    bad(() => sum.over({ orderBy: order, rows: { start: "currentRow" } , range: { start: "currentRow" } }), /not both/)
    bad(() => sum.over({ orderBy: order, rows: { start: { preceding: -1 } } }), /whole number/)
    bad(() => sum.over({ orderBy: order, rows: { start: { preceding: 1.5 } } }), /whole number/)
    bad(() => sum.over({ orderBy: order, rows: { start: { preceding: "1; DROP TABLE x" as any } } }), /whole number/)
    bad(() => sum.over({ orderBy: order, rows: { start: "sometime" as any } }), /frame start/)
    bad(() => sum.over({ range: { start: { preceding: 1 } } }), /exactly one orderBy/)
    bad(() => Fn.rank().over({ orderBy: order, rows: { start: "unboundedPreceding" } }), /no frame/)
    bad(() => Fn.lag(Sale.c.amount).over({ orderBy: order, rows: { start: "unboundedPreceding" } }), /no frame/)
    bad(() => Fn.lag(Sale.c.amount, -1), /whole number/)
    bad(() => Fn.lead(Sale.c.amount, 0.5), /whole number/)
    bad(() => Fn.ntile(0), /at least 1/)
    // Valid edge frames build: an empty frame of preceding rows is not "start after end".
    sum.over({ orderBy: order, rows: { start: { preceding: 2 }, end: { preceding: 1 } } })
    sum.over({ orderBy: order, range: { start: "unboundedPreceding", end: "unboundedFollowing" } })
  })

  it("types: window functions need .over(); lag / lead / first / last are nullable, ntile an integer", () => {
    const prev: Expr.Expr<number | null> = Fn.lag(Sale.c.amount, 1, 0).over({ orderBy: [Sale.c.id] })
    const bucket: Expr.Expr<number> = Fn.ntile(3).over({ orderBy: [Sale.c.id] })
    const last: Expr.Expr<string | null> = Fn.lastValue(Sale.c.region).over({ orderBy: [Sale.c.id] })
    // @ts-expect-error a window function is not an expression until it has a window
    const bare: Expr.Expr<number | null> = Fn.lag(Sale.c.amount)
    // @ts-expect-error the default has the value's type
    void Fn.lag(Sale.c.amount, 1, "none")
    // @ts-expect-error a frame bound is one of the five forms
    assert.throws(() => Fn.sum(Sale.c.amount).over({ rows: { start: "yesterday" } }), TypeError)
    void [prev, bucket, last, bare]
  })

  it("a window function without .over() fails to compile with an EncodeError", () => {
    const q = Query.select({ p: Fn.lag(Sale.c.amount) as any }).from(Sale)
    assert.throws(() => q.toSql("sqlite"), /window function/)
  })
})
