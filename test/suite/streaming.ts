/**
 * Streaming with bounded memory: a million rows through `session.query(M).stream` and
 * `Query.stream`, decoded as they arrive, with the heap measured; an early stop releases
 * the cursor and the connection; a stream inside a transaction sees its uncommitted rows.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Reading extends Table.Class<Reading>("Reading")("st_readings", {
  id: Column.integer({ primaryKey: true }),
  sensor: Column.string({ length: 40 }),
  value: Column.integer()
}) {}

const metadata = MetaData.make(Reading)
const MILLION = 1_000_000

const withSession = <A, E, R>(f: (session: Session.Session) => Effect.Effect<A, E, R>) => Effect.scoped(Effect.flatMap(Session.make, f))

/** Collects garbage where the runner allows it (vitest.config.ts runs tests with --expose-gc). */
const gc = () => (globalThis as { gc?: () => void }).gc?.()

export const suite: Suite = (layer, target) => {
  /** Fills the table on the server side: a million rows without a million parameters. */
  const fill = (n: number) => {
    switch (target.dialect) {
      case "postgresql":
        return Engine.execute(`INSERT INTO st_readings (id, sensor, value) SELECT g, 'sensor ' || (g % 100), g % 1000 FROM generate_series(1, ${n}) g`)
      case "mysql":
        return Engine.execute(`INSERT INTO st_readings (id, sensor, value) SELECT seq, CONCAT('sensor ', seq % 100), seq % 1000 FROM seq_1_to_${n}`)
      case "sqlite":
        return Engine.execute(
          `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ${n}) INSERT INTO st_readings (id, sensor, value) SELECT i, 'sensor ' || (i % 100), i % 1000 FROM g`
        )
    }
  }

  testLayer(layer, { excludeTestServices: true, timeout: 120_000 })("Streaming", (it) => {
    it.effect("a million rows stream with the heap bounded (session.query(M).stream)", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        yield* fill(MILLION)
        gc()
        const start = process.memoryUsage().heapUsed
        let peak = start
        let count = 0
        let sum = 0
        yield* withSession((s) =>
          Stream.runForEach(s.query(Reading).stream, (r) =>
            Effect.sync(() => {
              count++
              sum += r.value
              if (count % 50_000 === 0) {
                // What the stream keeps alive, not garbage the collector has yet to reach.
                gc()
                peak = Math.max(peak, process.memoryUsage().heapUsed)
              }
            })))
        const growth = (peak - start) / 2 ** 20
        console.log(`${target.label}: streamed ${count} rows; heap ${(start / 2 ** 20).toFixed(1)} MiB at start, peak +${growth.toFixed(1)} MiB`)
        assert.strictEqual(count, MILLION)
        assert.strictEqual(sum, Array.from({ length: 1000 }, (_, i) => i).reduce((a, b) => a + b) * (MILLION / 1000))
        assert.isBelow(growth, 64)
      }), { timeout: 120_000 })

    it.effect("Stream.take(10) of a million rows returns at once and releases the connection", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.Engine
        const started = Date.now()
        const first = yield* Stream.runCollect(Stream.take(Query.stream(Query.select(Reading).orderBy(Reading.c.id)), 10))
        const millis = Date.now() - started
        console.log(`${target.label}: Stream.take(10) of ${MILLION} rows in ${millis} ms`)
        assert.deepStrictEqual([...first].map((r) => r.id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        if (target.dialect === "postgresql") assert.isBelow(millis, 100)
        const status = yield* engine.poolStatus
        assert.strictEqual(status.inUse, 0)
        // The connection given back is usable.
        const rows = yield* Query.execute(Query.select(Reading).where(Reading.c.id.eq(7)))
        assert.strictEqual(rows[0]!.value, 7)
      }))

    it.effect("Query.execute reads a large result without overflowing the stack", () =>
      Effect.gen(function*() {
        const rows = yield* Query.execute(Query.select({ id: Reading.c.id }).from(Reading).where(Reading.c.id.lte(200_000)))
        assert.strictEqual(rows.length, 200_000)
      }))

    it.effect("a stream inside a transaction reads on its connection and sees its uncommitted rows", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const seen = yield* withSession((s) =>
          s.transaction(Effect.gen(function*() {
            yield* s.addAll(Reading, Array.from({ length: 25 }, (_, i) => ({ id: i + 1, sensor: "a", value: i })))
            const streamed = yield* Stream.runCollect(s.query(Reading).orderBy(Reading.c.id).stream)
            return [...streamed].map((r) => r.id)
          })))
        assert.deepStrictEqual(seen, Array.from({ length: 25 }, (_, i) => i + 1))
        yield* metadata.dropAll
      }))
  })
}
