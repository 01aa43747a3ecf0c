/**
 * Read replicas on a real PostgreSQL streaming-replication standby (127.0.0.1:5433, made by
 * `.ci/pg-standby`; see test/harness/standby.ts): reads outside a transaction are served by
 * the standby, writes, transactions and `forUpdate` by the primary, a fiber reads its own
 * writes from the primary for the `readYourWrites` window, `{ replica: true }` runs a
 * read-only transaction on the standby, and reads fail over to the primary while the
 * standby is stopped, and come back when it returns. Which server answered is asked of
 * the server itself (`inet_server_port()`, `pg_is_in_recovery()`).
 */
import { assert, describe, inject, it, layer as testLayer } from "@effect/vitest"
import { Effect, Exit, Layer, Schedule, Tracer } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Expr from "../../src/Expr.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { serverUrls } from "../harness/servers.js"
import { standbyCluster, standbyUrl } from "../harness/standby.js"

class Item extends Table.Class<Item>("Item")("rep_items", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 })
}) {}

const metadata = MetaData.make(Item)
const schema = `retort_rep_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
const inSchema = (url: string) => {
  const u = new URL(url)
  u.searchParams.set("options", `-c search_path=${schema}`)
  return u.toString().replace(/\+/g, "%20")
}
const primaryUrl = inSchema(serverUrls.postgresql)
const replicaUrl = inSchema(standbyUrl)
const windowMillis = 300

/** Which server ran the select: its port and whether it is the standby. */
const serverRead = Effect.map(
  Query.execute(Query.select({ port: Expr.raw<number>`inet_server_port()`, standby: Expr.raw<boolean>`pg_is_in_recovery()` })),
  (rows) => rows[0]!
)

/** The schema of this file on the primary, dropped after; the standby replays both. */
const isolation = Layer.scopedDiscard(
  Effect.acquireRelease(
    Engine.execute(`CREATE SCHEMA "${schema}"`).pipe(Effect.provide(Engine.layer(serverUrls.postgresql)), Effect.orDie),
    () => Engine.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).pipe(Effect.provide(Engine.layer(serverUrls.postgresql)), Effect.orDie)
  )
)

const engineLayer = Engine.layer(primaryUrl, { replicas: [replicaUrl], readYourWrites: `${windowMillis} millis` }).pipe(
  Layer.provide(isolation),
  Layer.orDie
)

/** Waits until the standby has replayed `n` items (reads go there). */
const replicated = (n: number) =>
  Query.execute(Query.select(Item)).pipe(
    Effect.filterOrFail((rows) => rows.length === n, () => "not yet" as const),
    Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo("10 seconds")))
  )

const reason = inject("standby")

if (reason !== undefined) {
  describe.skip(`PostgreSQL read replicas: SKIPPED, no standby at ${standbyUrl} (${reason})`, () => {})
} else {
  testLayer(Layer.merge(engineLayer, Session.layer.pipe(Layer.provide(engineLayer))), { excludeTestServices: true, timeout: "60 seconds" })(
    "PostgreSQL read replicas",
    (it) => {
      it.effect("reads outside a transaction go to the standby; writes, raw text and forUpdate to the primary", () =>
        Effect.gen(function*() {
          yield* metadata.dropAll
          yield* metadata.createAll
          yield* Effect.sleep(`${windowMillis + 100} millis`)
          const read = yield* serverRead
          assert.deepStrictEqual(read, { port: 5433, standby: true })
          // Raw text is the primary's unless marked read-only.
          const [raw] = yield* Engine.execute("SELECT pg_is_in_recovery() AS standby")
          assert.strictEqual(raw!["standby"], false)
          const [marked] = yield* Effect.flatMap(Engine.Engine, (e) => e.execute("SELECT pg_is_in_recovery() AS standby", [], { readOnly: true }))
          assert.strictEqual(marked!["standby"], true)
          // A locking select is the primary's.
          yield* Query.execute(Query.insert(Item).values({ id: 1, name: "one" }))
          yield* Effect.sleep(`${windowMillis + 100} millis`)
          const locked = yield* Query.execute(
            Query.select({ port: Expr.raw<number>`inet_server_port()` }).from(Item).forUpdate()
          )
          assert.deepStrictEqual(locked, [{ port: 5432 }])
          // The row written on the primary is read back from the standby once replayed.
          const rows = yield* replicated(1)
          assert.deepStrictEqual(rows.map((r) => r.name), ["one"])
          assert.isTrue((yield* serverRead).standby)
        }))

      it.effect("a fiber reads its own writes from the primary for the readYourWrites window, then from the standby again", () =>
        Effect.gen(function*() {
          yield* metadata.dropAll
          yield* metadata.createAll
          const session = yield* Session.Session
          yield* session.add(Item, { id: 10, name: "pending" })
          // Pending changes are flushed first, in the session's transaction: on the primary.
          const inside = yield* session.query(Item).all
          assert.deepStrictEqual(inside.map((i) => i.name), ["pending"])
          assert.isFalse((yield* serverRead).standby, "a session with a transaction open reads on the primary")
          yield* session.commit
          // Just committed: this fiber's reads are the primary's, whatever the lag.
          assert.isFalse((yield* serverRead).standby)
          const got = yield* Query.execute(Query.select(Item).where(Item.c.id.eq(10)))
          assert.deepStrictEqual(got.map((i) => i.name), ["pending"])
          yield* Effect.sleep(`${windowMillis + 100} millis`)
          assert.isTrue((yield* serverRead).standby)
          // A write outside any transaction opens the window too.
          yield* Query.execute(Query.update(Item).set({ name: "renamed" }).where(Item.c.id.eq(10)))
          assert.isFalse((yield* serverRead).standby)
        }))

      it.effect("{ replica: true } runs a read-only transaction on the standby; a write in it is ReadOnlyViolation", () =>
        Effect.gen(function*() {
          yield* metadata.dropAll
          yield* metadata.createAll
          yield* Query.execute(Query.insert(Item).values({ id: 1, name: "one" }))
          yield* Effect.sleep(`${windowMillis + 100} millis`)
          yield* replicated(1)
          const inTx = yield* Session.transaction(
            Effect.gen(function*() {
              const session = yield* Session.Session
              const items = yield* session.query(Item).all
              const at = yield* serverRead
              return { names: items.map((i) => i.name), at }
            }),
            { replica: true }
          )
          assert.deepStrictEqual(inTx, { names: ["one"], at: { port: 5433, standby: true } })
          const write = yield* Engine.transaction(Query.execute(Query.insert(Item).values({ id: 2, name: "two" })), { replica: true }).pipe(Effect.flip)
          assert.strictEqual(write._tag, "ReadOnlyViolation")
          // A plain transaction is the primary's.
          const primary = yield* Engine.transaction(serverRead)
          assert.deepStrictEqual(primary, { port: 5432, standby: false })
          const bad = yield* Engine.transaction(serverRead, { replica: true, readOnly: false }).pipe(Effect.flip)
          assert.strictEqual(bad._tag, "OptionError")
        }))

      it.effect("spans say which server ran each statement", () =>
        Effect.gen(function*() {
          yield* Effect.sleep(`${windowMillis + 100} millis`)
          const ports: Array<unknown> = []
          const tracer = Tracer.make({
            span: (name, parent, context, links, startTime, kind) => {
              const attributes = new Map<string, unknown>()
              return {
                _tag: "Span", name, spanId: String(ports.length), traceId: "t", parent, context, links: [...links], sampled: true, kind,
                status: { _tag: "Started", startTime },
                attributes,
                end: () => void ports.push(attributes.get("server.port")),
                attribute: (key: string, value: unknown) => void attributes.set(key, value),
                event: () => {},
                addLinks: () => {}
              }
            },
            context: (f) => f()
          })
          yield* Effect.withTracer(Effect.zipRight(serverRead, Query.execute(Query.insert(Item).values({ id: 99, name: "traced" }))), tracer)
          assert.deepStrictEqual(ports, [5433, 5432])
        }))

      it.effect("reads fail over to the primary while the standby is stopped, and return to it when it is back", () =>
        Effect.gen(function*() {
          yield* Effect.sleep(`${windowMillis + 100} millis`)
          assert.isTrue((yield* serverRead).standby)
          yield* Effect.acquireUseRelease(
            Effect.sync(() => standbyCluster("stop")),
            () =>
              Effect.gen(function*() {
                for (let i = 0; i < 3; i++) assert.deepStrictEqual(yield* serverRead, { port: 5432, standby: false })
              }),
            () => Effect.sync(() => standbyCluster("start"))
          )
          const back = yield* serverRead.pipe(
            Effect.filterOrFail((r) => r.standby, () => "still on the primary" as const),
            Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("20 seconds")))
          )
          assert.deepStrictEqual(back, { port: 5433, standby: true })
        }))
    }
  )

  describe("PostgreSQL read replicas: options", () => {
    it("a replica of another dialect, or replicas of SQLite, are UrlError", async () => {
      const wrong = await Effect.runPromiseExit(Layer.build(Engine.layer(primaryUrl, { replicas: ["mysql://root@127.0.0.1/test"] })).pipe(Effect.scoped))
      assert.isTrue(Exit.isFailure(wrong))
      const sqlite = await Effect.runPromiseExit(Layer.build(Engine.layer("sqlite://", { replicas: [replicaUrl] })).pipe(Effect.scoped))
      assert.isTrue(Exit.isFailure(wrong) && String(wrong.cause).includes("like its primary"))
      assert.isTrue(Exit.isFailure(sqlite) && String(sqlite.cause).includes("SQLite engine has none"))
    })
  })
}
