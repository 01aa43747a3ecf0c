/**
 * Pool options on a real database: `size` caps connections, `acquireTimeout` bounds the
 * wait for one, `idleTimeout` and `maxLifetime` close them, and an interrupted wait
 * gives back everything it took.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Exit, Fiber, Scope } from "effect"
import { engineFor, eventually, failure } from "../harness/engines.js"
import { countingProxy } from "../harness/proxy.js"
import type { Suite } from "../harness/targets.js"

export const suite: Suite = (layer, target) => {
  const sleepSql = target.dialect === "postgresql" ? "SELECT pg_sleep(0.05)" : "SELECT SLEEP(0.05)"
  /** An engine reached through a counting proxy (server dialects). */
  const proxied = (options: Parameters<typeof engineFor>[1]) =>
    Effect.gen(function*() {
      const url = new URL(target.url)
      const proxy = yield* countingProxy(url.hostname, Number(url.port))
      const engine = yield* engineFor(target.variant({ host: "127.0.0.1", port: proxy.port }), options)
      return { proxy, engine }
    })

  testLayer(layer, { excludeTestServices: true })("Pool", (it) => {
    it.effect("acquireTimeout bounds the wait for a connection when all `size` are in use", () =>
      Effect.scoped(Effect.gen(function*() {
        const engine = yield* engineFor(target.url, { pool: { size: 1, acquireTimeout: "300 millis" } })
        const held = yield* Scope.make()
        yield* Scope.extend(engine.sql.reserve, held)
        const started = Date.now()
        const error = failure(yield* Effect.exit(engine.execute("SELECT 1")))
        assert.isAtLeast(Date.now() - started, 250)
        assert.strictEqual(error._tag, "ConnectionError")
        assert.include(error.message, "all 1 connections of the pool are in use")
        yield* Scope.close(held, Exit.void)
        const rows = yield* engine.execute("SELECT 1 AS one")
        assert.strictEqual(Number(rows[0]!["one"]), 1)
      })))

    it.effect("an interrupted wait for a connection leaks nothing", () =>
      Effect.scoped(Effect.gen(function*() {
        const engine = yield* engineFor(target.url, { pool: { size: 1, acquireTimeout: "5 seconds" } })
        const held = yield* Scope.make()
        yield* Scope.extend(engine.sql.reserve, held)
        const waiting = yield* Effect.fork(engine.execute("SELECT 1"))
        yield* Effect.sleep("50 millis")
        yield* Fiber.interrupt(waiting)
        yield* Scope.close(held, Exit.void)
        // Were a permit or a connection lost, these would wait for the 5 s timeout and fail.
        const results = yield* Effect.all(
          [engine.execute("SELECT 1 AS one"), engine.execute("SELECT 1 AS one"), engine.execute("SELECT 1 AS one")],
          { concurrency: 3 }
        ).pipe(Effect.timeout("3 seconds"))
        assert.strictEqual(results.length, 3)
      })))

    if (target.dialect === "sqlite") return

    it.effect("size caps the connections opened under concurrent load", () =>
      Effect.scoped(Effect.gen(function*() {
        const { engine, proxy } = yield* proxied({ pool: { size: 2 } })
        yield* Effect.all(Array.from({ length: 8 }, () => engine.execute(sleepSql)), { concurrency: 8 })
        assert.isAtMost(proxy.connections(), 2)
        assert.isAtLeast(proxy.connections(), 1)
      })))

    it.effect("idleTimeout closes idle connections", () =>
      Effect.scoped(Effect.gen(function*() {
        const { engine, proxy } = yield* proxied({ pool: { size: 2, idleTimeout: "200 millis" } })
        yield* engine.execute("SELECT 1")
        assert.strictEqual(proxy.open(), 1)
        // mysql2 reaps idle connections once a second.
        assert.isTrue(yield* eventually(() => proxy.open() === 0, 4000), "the idle connection was not closed")
      })), { timeout: 10_000 })

    it.effect("without idleTimeout, a connection is kept for the next statement", () =>
      Effect.scoped(Effect.gen(function*() {
        const { engine, proxy } = yield* proxied({})
        yield* engine.execute("SELECT 1")
        yield* Effect.sleep("1500 millis")
        yield* engine.execute("SELECT 1")
        assert.strictEqual(proxy.connections(), 1)
      })), { timeout: 10_000 })

    it.effect("maxLifetime retires connections", () =>
      Effect.scoped(Effect.gen(function*() {
        const { engine, proxy } = yield* proxied({ pool: { maxLifetime: "1 second" } })
        yield* engine.execute("SELECT 1")
        assert.isTrue(yield* eventually(() => proxy.open() === 0, 4000), "the connection outlived maxLifetime")
        yield* engine.execute("SELECT 1")
        assert.strictEqual(proxy.connections(), 2)
      })), { timeout: 10_000 })
  })
}
