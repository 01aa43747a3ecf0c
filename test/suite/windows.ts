/**
 * Window functions and frames (issue 14) over six rows in two partitions: running sums
 * with ROWS frames, a moving average one row either side, RANGE frames, lag / lead with and
 * without defaults, ntile, first / last value over the whole partition. The same rows come
 * back from every database.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect } from "effect"
import * as Column from "../../src/Column.js"
import * as Fn from "../../src/Fn.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Reading extends Table.Class<Reading>("Reading")("win_readings", {
  id: Column.integer({ primaryKey: true }),
  grp: Column.string({ length: 1 }),
  day: Column.integer(),
  amount: Column.integer()
}) {}

const metadata = MetaData.make(Reading)

const data = [
  { id: 1, grp: "a", day: 1, amount: 10 },
  { id: 2, grp: "a", day: 2, amount: 20 },
  { id: 3, grp: "a", day: 4, amount: 30 },
  { id: 4, grp: "b", day: 1, amount: 5 },
  { id: 5, grp: "b", day: 2, amount: 15 },
  { id: 6, grp: "b", day: 3, amount: 40 }
]

const partition = [Reading.c.grp]
const byDay = [Reading.c.day]

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("Window functions", (it) => {
    it.effect("running sums, moving averages and range frames", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        yield* Query.execute(Query.insert(Reading).values(data))
        const rows = yield* Query.execute(
          Query.select({
            id: Reading.c.id,
            running: Fn.sum(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay, rows: { start: "unboundedPreceding", end: "currentRow" } }),
            lastTwo: Fn.sum(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay, rows: { start: { preceding: 1 } } }),
            moving: Fn.avg(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay, rows: { start: { preceding: 1 }, end: { following: 1 } } }),
            rest: Fn.sum(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay, rows: { start: { following: 1 }, end: "unboundedFollowing" } }),
            // Days within one of this one: day 4 of "a" has no neighbour at day 3.
            near: Fn.sum(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay, range: { start: { preceding: 1 }, end: { following: 1 } } }),
            total: Fn.count().over({ partitionBy: partition, range: { start: "unboundedPreceding", end: "unboundedFollowing" } })
          }).from(Reading).orderBy(Reading.c.id)
        )
        assert.deepStrictEqual(rows.map((r) => [r.id, r.running, r.lastTwo, r.moving, r.rest, r.near, r.total]), [
          [1, 10, 10, 15, 50, 30, 3],
          [2, 30, 30, 20, 30, 30, 3],
          [3, 60, 50, 25, null, 30, 3],
          [4, 5, 5, 10, 55, 20, 3],
          [5, 20, 20, 20, 40, 60, 3],
          [6, 60, 55, 27.5, null, 55, 3]
        ])
        yield* metadata.dropAll
      }))

    it.effect("lag and lead, with and without a default; ntile; first and last value over the whole partition", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        yield* Query.execute(Query.insert(Reading).values(data))
        const whole = { start: "unboundedPreceding", end: "unboundedFollowing" } as const
        const rows = yield* Query.execute(
          Query.select({
            id: Reading.c.id,
            prev: Fn.lag(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay }),
            prevOr: Fn.lag(Reading.c.amount, 1, -1).over({ partitionBy: partition, orderBy: byDay }),
            next2: Fn.lead(Reading.c.amount, 2, 0).over({ partitionBy: partition, orderBy: byDay }),
            next: Fn.lead(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay }),
            same: Fn.lag(Reading.c.amount, 0).over({ partitionBy: partition, orderBy: byDay }),
            half: Fn.ntile(2).over({ orderBy: [Reading.c.id] }),
            first: Fn.firstValue(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay, rows: whole }),
            last: Fn.lastValue(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay, rows: whole }),
            lastSoFar: Fn.lastValue(Reading.c.amount).over({ partitionBy: partition, orderBy: byDay, rows: { start: "unboundedPreceding" } })
          }).from(Reading).orderBy(Reading.c.id)
        )
        assert.deepStrictEqual(rows.map((r) => [r.id, r.prev, r.prevOr, r.next2, r.next, r.same, r.half, r.first, r.last, r.lastSoFar]), [
          [1, null, -1, 30, 20, 10, 1, 10, 30, 10],
          [2, 10, 10, 0, 30, 20, 1, 10, 30, 20],
          [3, 20, 20, 0, null, 30, 1, 10, 30, 30],
          [4, null, -1, 40, 15, 5, 2, 5, 40, 5],
          [5, 5, 5, 0, 40, 15, 2, 5, 40, 15],
          [6, 15, 15, 0, null, 40, 2, 5, 40, 40]
        ])
        yield* metadata.dropAll
      }))

    it.effect("a window function without a window fails with EncodeError, not a defect", () =>
      Effect.gen(function*() {
        const bare = Query.select({ prev: Fn.lag(Reading.c.amount) as never }).from(Reading)
        const error = yield* Effect.flip(Query.execute(bare))
        assert.strictEqual(error._tag, "EncodeError")
      }))
  })
}
