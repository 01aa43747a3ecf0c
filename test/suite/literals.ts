/**
 * Literal values bound with a type of their own (`Expr.literal`): an integer past 32 bits is
 * bound as a 64-bit integer where the database casts literals (PostgreSQL), and still reads
 * back as a JavaScript number, in a select list and in a comparison.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect } from "effect"
import * as Column from "../../src/Column.js"
import * as Expr from "../../src/Expr.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Counter extends Table.Class<Counter>("Counter")("lit_counters", {
  id: Column.integer({ primaryKey: true }),
  hits: Column.bigint()
}) {}

const metadata = MetaData.make(Counter)

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("Literals", (it) => {
    it.effect("integer literals beyond 32 bits select and compare as numbers", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const values = [2_147_483_647, 2_147_483_648, 2_147_483_649, -2_147_483_649, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]
        for (const value of values) {
          const [row] = yield* Query.execute(Query.select({ n: Expr.literal(value) }))
          assert.strictEqual(row!.n, value)
        }
        yield* Query.execute(Query.insert(Counter).values([{ id: 1, hits: 3_000_000_000n }, { id: 2, hits: 5n }]))
        const big = yield* Query.execute(Query.select(Counter).where(Counter.c.hits.gt(Expr.literal(2_147_483_649) as never)))
        assert.deepStrictEqual(big.map((c) => c.id), [1])
        const [sum] = yield* Query.execute(Query.select({ n: Expr.literal(2_147_483_649).plus(Expr.literal(1)) }))
        assert.strictEqual(sum!.n, 2_147_483_650)
        yield* metadata.dropAll
      }))

    it.effect("a CASE of plain values has their type: booleans, numbers, strings, each read back as such", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        yield* Query.execute(Query.insert(Counter).values([{ id: 1, hits: 3n }, { id: 2, hits: 50n }]))
        const rows = yield* Query.execute(
          Query.select({
            id: Counter.c.id,
            big: Expr.case([[Counter.c.hits.gt(10n), true]], false),
            size: Expr.case([[Counter.c.hits.gt(10n), 100]], 1),
            wide: Expr.case([[Counter.c.hits.gt(10n), 3_000_000_000]], 0),
            label: Expr.case([[Counter.c.hits.gt(10n), "many"]], "few")
          }).from(Counter).orderBy(Counter.c.id)
        )
        assert.deepStrictEqual(rows.map((r) => [r.id, r.big, r.size, r.wide, r.label]), [[1, false, 1, 0, "few"], [2, true, 100, 3_000_000_000, "many"]])
        yield* metadata.dropAll
      }))
  })
}
