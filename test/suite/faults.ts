/**
 * The execution layer under faults, injected for real: acquire timeouts and interruption at
 * random points (no permit or connection leaks), first-come-first-served waits, timeouts
 * around transactions, a black-holed connection (a TCP proxy that stops forwarding),
 * statements cancelled on the server, and a COMMIT whose reply is lost.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Random, Schedule } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Expr from "../../src/Expr.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { engineFor, failure } from "../harness/engines.js"
import { faultProxy } from "../harness/faultProxy.js"
import type { Suite } from "../harness/targets.js"

class Item extends Table.Class<Item>("Item")("f_items", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 })
}) {}

const metadata = MetaData.make(Item)

/** Runs `effect` with a session of its own on `engine`. */
const inSession = <A, E>(engine: Engine.Engine, effect: (s: Session.Session) => Effect.Effect<A, E, Engine.Engine>) =>
  Effect.scoped(Effect.flatMap(Session.make, effect)).pipe(Effect.provideService(Engine.Engine, engine))

/** The pool is back to rest: nothing in use, nobody waiting, and `size` statements can run at once. */
const assertAtRest = (engine: Engine.Engine, size: number) =>
  Effect.gen(function*() {
    const status = yield* engine.poolStatus
    assert.strictEqual(status.inUse, 0, `connections still in use: ${JSON.stringify(status)}`)
    assert.strictEqual(status.waiting, 0)
    assert.isAtMost(status.total, size)
    const results = yield* Effect.all(Array.from({ length: size }, () => engine.execute("SELECT 1 AS one")), { concurrency: size }).pipe(
      Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => new Error("the pool did not serve `size` statements at once") })
    )
    assert.strictEqual(results.length, size)
  })

/** Forks `size` transactions that hold every connection of the pool for `duration`. */
const holdAll = (engine: Engine.Engine, size: number, duration: Duration.DurationInput) =>
  Effect.forEach(Array.from({ length: size }), () =>
    Effect.fork(engine.transaction(Effect.zipRight(engine.execute("SELECT 1"), Effect.sleep(duration)))))

const elapsed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const start = Date.now()
    const exit = yield* Effect.exit(effect)
    return { exit, millis: Date.now() - start }
  })

export const suite: Suite = (layer, target) => {
  const server = target.dialect !== "sqlite"
  const sleep = (seconds: number) => (target.dialect === "postgresql" ? `SELECT pg_sleep(${seconds})` : `SELECT SLEEP(${seconds})`)
  /** An engine on this file's database through a fault-injecting proxy. */
  const proxied = (options: Engine.EngineOptions) =>
    Effect.gen(function*() {
      const url = new URL(target.url)
      const proxy = yield* faultProxy(url.hostname, Number(url.port))
      const engine = yield* engineFor(target.variant({ host: "127.0.0.1", port: proxy.port }), options)
      return { proxy, engine }
    })

  testLayer(layer, { excludeTestServices: true })("Faults", (it) => {
    it.effect("a Session.transaction timing out while it waits for a connection leaks nothing", () =>
      Effect.scoped(Effect.gen(function*() {
        const size = server ? 2 : 1
        const engine = yield* engineFor(target.sharedUrl, { pool: { size, acquireTimeout: "200 millis" } })
        // Open the connections first: on a busy machine a connect alone can outlast 200 ms.
        yield* Effect.all(Array.from({ length: size }, () => engine.execute("SELECT 1")), { concurrency: size }).pipe(
          Effect.retry({ times: 5 })
        )
        // Hold every connection in transactions that outlast the waiters' acquire timeout.
        const holders = yield* holdAll(engine, size, "600 millis")
        yield* Effect.sleep("50 millis")
        const waiters = yield* Effect.all(
          Array.from({ length: 4 }, () => Effect.exit(inSession(engine, (s) => s.transaction(s.execute(Query.select({ one: Expr.literal(1) })))))),
          { concurrency: "unbounded" }
        )
        for (const exit of waiters) assert.strictEqual(failure(exit)._tag, "ConnectionError")
        yield* Effect.forEach(holders, Fiber.join, { discard: true })
        yield* assertAtRest(engine, size)
      })), { timeout: 20_000 })

    it.effect("Effect.timeout around a transaction on a busy pool returns within its bound plus 100 ms", () =>
      Effect.scoped(Effect.gen(function*() {
        const size = server ? 2 : 1
        const engine = yield* engineFor(target.sharedUrl, { pool: { size, acquireTimeout: "10 seconds" } })
        const holders = yield* holdAll(engine, size, "1500 millis")
        yield* Effect.sleep("50 millis")
        const { exit, millis } = yield* elapsed(
          inSession(engine, (s) => s.transaction(s.execute(Query.select({ one: Expr.literal(1) })))).pipe(Effect.timeout("200 millis"))
        )
        assert.isTrue(Exit.isFailure(exit))
        assert.isBelow(millis, 300, `returned after ${millis} ms`)
        yield* Effect.forEach(holders, Fiber.join, { discard: true })
        yield* assertAtRest(engine, size)
      })), { timeout: 20_000 })

    it.effect("interruption at random points of transactions, statements and waits leaks nothing", () =>
      Effect.scoped(Effect.gen(function*() {
        const size = server ? 3 : 1
        const engine = yield* engineFor(target.sharedUrl, { pool: { size, acquireTimeout: "5 seconds" } })
        yield* metadata.createAll.pipe(Effect.provideService(Engine.Engine, engine))
        const work = (i: number) =>
          inSession(engine, (s) =>
            s.transaction(Effect.gen(function*() {
              yield* s.add(Item, { name: `i${i}` })
              yield* s.flush
              yield* s.execute(Query.select(Item).limit(1))
              yield* Effect.sleep(Duration.millis(i % 5))
              yield* s.transaction(s.execute(Query.select(Item).limit(1)))
            })))
        for (let round = 0; round < 40; round++) {
          const fibers = yield* Effect.forEach(Array.from({ length: 6 }, (_, k) => round * 6 + k), (i) => Effect.fork(work(i)))
          yield* Effect.sleep(Duration.millis(yield* Random.nextIntBetween(0, 12)))
          yield* Effect.forEach(fibers, (f) => Fiber.interrupt(f), { discard: true, concurrency: "unbounded" })
        }
        yield* assertAtRest(engine, size)
        yield* metadata.dropAll.pipe(Effect.provideService(Engine.Engine, engine))
      })), { timeout: 60_000 })

    it.effect("waits are first come, first served: 20 fibers on a pool of 2, p99 wait about 9 transactions", () =>
      Effect.scoped(Effect.gen(function*() {
        const size = server ? 2 : 1
        const engine = yield* engineFor(target.sharedUrl, { pool: { size, acquireTimeout: "2 seconds" } })
        const hold = 7
        const waits: Array<number> = []
        // Ask numbers in the order connections were handed out: a FIFO pool hands them out
        // in the order they were asked for.
        let asks = 0
        const served: Array<number> = []
        const one = Effect.gen(function*() {
          const asked = performance.now()
          const ticket = asks++
          yield* engine.transaction(Effect.gen(function*() {
            served.push(ticket)
            waits.push(performance.now() - asked)
            yield* engine.execute("SELECT 1")
            yield* Effect.sleep(Duration.millis(hold))
          }))
        })
        // Connections already open: the waits measure the queue, not the connect.
        yield* Effect.all(Array.from({ length: size }, () => engine.execute("SELECT 1")), { concurrency: size })
        // Each fiber goes back to the queue as soon as it is done: an unfair pool starves some.
        const rounds = 5
        const started = performance.now()
        const exits = yield* Effect.all(Array.from({ length: 20 }, () => Effect.exit(Effect.repeatN(one, rounds - 1))), { concurrency: "unbounded" })
        const total = performance.now() - started
        for (const exit of exits) assert.isTrue(Exit.isSuccess(exit), "a transaction timed out waiting")
        const sorted = [...waits].sort((a, b) => a - b)
        const p99 = sorted[Math.floor(sorted.length * 0.99)]!
        // The transaction time: how long each held its connection, BEGIN to COMMIT and release, on average.
        const transaction = total * size / (20 * rounds)
        // In a fair queue a fiber waits for the others ahead of it: (20 - size) / size = 9 transactions
        // on a pool of 2. The bound leaves room for timer jitter on a busy 2-core machine; the
        // permits this pool replaced gave a p99 over 100 transactions.
        const bound = 12 * transaction * (2 / size)
        // Overtakes: how many who asked later were served before each one. Zero in a strict
        // FIFO queue; the fibers' own steps between taking a ticket and joining the queue
        // may swap neighbours, never more. The pool this one replaced overtook by dozens.
        let overtakes = 0
        for (let i = 0; i < served.length; i++) {
          let ahead = 0
          for (let j = 0; j < i; j++) if (served[j]! > served[i]!) ahead++
          overtakes = Math.max(overtakes, ahead)
        }
        console.log(`${target.label}: waits of 20 fibers x ${rounds} on a pool of ${size}: p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (${(p99 / transaction).toFixed(1)} transactions); transaction ${transaction.toFixed(1)} ms; bound ${bound.toFixed(1)} ms; most overtaken by ${overtakes}`)
        assert.isAtMost(overtakes, size)
        // On a quiet machine p99 is under the bound (CI: 9.7-9.8 transactions on the servers);
        // timer jitter on a loaded one lengthens waits alike, so the assertion leaves it twice
        // that: the order check above is what proves the queue fair.
        assert.isBelow(p99, 2 * bound)
      })), { timeout: 30_000 })

    if (!server) return

    it.effect("a timed-out statement fails with StatementTimeout and is no longer running on the server a second later", () =>
      Effect.scoped(Effect.gen(function*() {
        const engine = yield* engineFor(target.url, { pool: { size: 2 }, statementTimeout: "300 millis" })
        const marker = `retort_timeout_${Math.random().toString(36).slice(2, 8)}`
        const { exit, millis } = yield* elapsed(engine.execute(`${sleep(5)} AS ${marker}`))
        const error = failure(exit)
        assert.strictEqual(error._tag, "StatementTimeout")
        assert.isBelow(millis, 1300)
        yield* Effect.sleep("1 second")
        const observer = yield* engineFor(target.url)
        const running = target.dialect === "postgresql"
          ? yield* observer.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()", [`%${marker}%`])
          : yield* observer.execute("SELECT count(*) AS n FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()", [`%${marker}%`])
        assert.strictEqual(Number(running[0]!["n"]), 0, "the statement still runs on the server")
        // The next statements are not held up by it.
        const { millis: next } = yield* elapsed(Effect.all([engine.execute("SELECT 1"), engine.execute("SELECT 1")], { concurrency: 2 }))
        assert.isBelow(next, 500)
      })), { timeout: 20_000 })

    it.effect("an interrupted statement is cancelled on the server", () =>
      Effect.scoped(Effect.gen(function*() {
        const engine = yield* engineFor(target.url, { pool: { size: 1 } })
        const marker = `retort_interrupt_${Math.random().toString(36).slice(2, 8)}`
        const { millis } = yield* elapsed(engine.execute(`${sleep(5)} AS ${marker}`).pipe(Effect.timeout("300 millis"), Effect.exit))
        assert.isBelow(millis, 800)
        yield* Effect.sleep("1 second")
        const observer = yield* engineFor(target.url)
        const running = target.dialect === "postgresql"
          ? yield* observer.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()", [`%${marker}%`])
          : yield* observer.execute("SELECT count(*) AS n FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()", [`%${marker}%`])
        assert.strictEqual(Number(running[0]!["n"]), 0)
        // The pool of one works at once: the cancelled connection was replaced.
        const { millis: next } = yield* elapsed(engine.execute("SELECT 1"))
        assert.isBelow(next, 500)
      })), { timeout: 20_000 })

    it.effect("a black-holed connection fails a bounded statement within statementTimeout + 1 s; the engine recovers when the network heals", () =>
      Effect.scoped(Effect.gen(function*() {
        const { engine, proxy } = yield* proxied({ pool: { size: 2, acquireTimeout: "2 seconds" }, statementTimeout: "1 second" })
        yield* engine.execute("SELECT 1")
        proxy.blackhole()
        const { exit, millis } = yield* elapsed(engine.execute("SELECT 1"))
        assert.strictEqual(failure(exit)._tag, "StatementTimeout")
        assert.isBelow(millis, 2000, `failed after ${millis} ms`)
        proxy.heal()
        const rows = yield* engine.execute("SELECT 1 AS one")
        assert.strictEqual(Number(rows[0]!["one"]), 1)
        yield* assertAtRest(engine, 2)
      })), { timeout: 20_000 })

    it.effect("a transaction under Effect.timeout during a partition returns within the bound; its connection is not reused", () =>
      Effect.scoped(Effect.gen(function*() {
        const { engine, proxy } = yield* proxied({ pool: { size: 1, acquireTimeout: "3 seconds" } })
        const { exit, millis } = yield* elapsed(
          engine.transaction(Effect.gen(function*() {
            yield* engine.execute("SELECT 1")
            proxy.blackhole()
            yield* engine.execute("SELECT 1")
          })).pipe(Effect.timeout("1 second"))
        )
        assert.isTrue(Exit.isFailure(exit))
        assert.isBelow(millis, 1500, `returned after ${millis} ms`)
        proxy.heal()
        const rows = yield* engine.execute("SELECT 1 AS one")
        assert.strictEqual(Number(rows[0]!["one"]), 1)
      })), { timeout: 20_000 })

    it.effect("a lost COMMIT reply fails with CommitOutcomeUnknown and is never retried", () =>
      Effect.scoped(Effect.gen(function*() {
        yield* metadata.createAll
        const { engine, proxy } = yield* proxied({ pool: { size: 1 } })
        let attempts = 0
        const exit = yield* Effect.exit(
          engine.transaction(
            Effect.gen(function*() {
              attempts++
              yield* Query.execute(Query.insert(Item).values({ id: 4242, name: "lost reply" }))
              proxy.dropReplyAfter("COMMIT")
            }).pipe(Effect.provideService(Engine.Engine, engine)),
            { retry: Schedule.recurs(3) }
          )
        )
        const error = failure(exit)
        assert.strictEqual(error._tag, "CommitOutcomeUnknown")
        assert.strictEqual(attempts, 1)
        // It was committed: the server got the COMMIT.
        const rows = yield* Query.execute(Query.select(Item).where(Item.c.id.eq(4242)))
        assert.strictEqual(rows.length, 1)
        yield* metadata.dropAll
      })), { timeout: 20_000 })
  })
}
