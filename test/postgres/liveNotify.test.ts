/**
 * Live queries across processes on PostgreSQL: with `listen: true`, a watch re-emits after a
 * commit made by a second process (psql) on a table that `Migration.notifyChanges` set up,
 * and emits nothing for that process's rolled-back transaction.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { Effect, Option, Queue, Stream } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as MetaData from "../../src/MetaData.js"
import * as Migration from "../../src/Migration.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import { engineFor } from "../harness/engines.js"
import { serverUrls } from "../harness/servers.js"
import { postgres, type Suite } from "../harness/targets.js"

class Task extends Table.Class<Task>("Task")("ln_tasks", {
  id: Column.integer({ primaryKey: true }),
  title: Column.string({ length: 50 })
}) {}

const metadata = MetaData.make(Task)

/** Runs SQL in a psql process of its own, in `schema`. */
const psql = (schema: string, sql: string) =>
  Effect.sync(() => {
    const url = new URL(serverUrls.postgresql)
    const run = spawnSync("psql", ["-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username) || "postgres", "-d", url.pathname.slice(1), "-v", "ON_ERROR_STOP=1", "-c", `SET search_path TO "${schema}"; ${sql}`], { encoding: "utf8" })
    if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`)
  })

const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Live queries across processes", (it) => {
    it.scoped("a commit of another process re-emits; its rollback does not", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        yield* Migration.notifyChanges("ln_tasks")
        const [{ schema }] = (yield* Engine.execute("SELECT current_schema() AS schema")) as unknown as [{ schema: string }]
        const engine = yield* engineFor(target.url, { listen: true })
        const emitted = yield* Queue.unbounded<ReadonlyArray<string>>()
        yield* Effect.forkScoped(
          Stream.runForEach(Query.watch(Query.select(Task).orderBy(Task.c.id)), (rows) => Queue.offer(emitted, rows.map((t) => t.title))).pipe(
            Effect.provideService(Engine.Engine, engine)
          )
        )
        const next = Queue.take(emitted).pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("no emission") }))
        assert.deepStrictEqual(yield* next, [])
        // The listener is up once the first run emitted; give its LISTEN a moment.
        yield* Effect.sleep("200 millis")
        yield* psql(schema, "INSERT INTO ln_tasks (id, title) VALUES (1, 'from psql')")
        assert.deepStrictEqual(yield* next, ["from psql"])
        yield* psql(schema, "BEGIN; INSERT INTO ln_tasks (id, title) VALUES (2, 'rolled back'); ROLLBACK;")
        yield* Effect.sleep("500 millis")
        assert.isTrue(Option.isNone(yield* Queue.poll(emitted)), "a rolled-back transaction announces nothing")
        yield* psql(schema, "UPDATE ln_tasks SET title = 'renamed' WHERE id = 1")
        assert.deepStrictEqual(yield* next, ["renamed"])
        yield* Migration.dropNotifyChanges("ln_tasks")
      }))

    it.effect("listen is PostgreSQL's: another dialect's engine refuses it", () =>
      Effect.gen(function*() {
        const refused = yield* Effect.scoped(engineFor("sqlite://", { listen: true })).pipe(Effect.flip)
        assert.strictEqual(refused._tag, "UrlError")
        assert.include(refused.message, "PostgreSQL")
        // The trigger is PostgreSQL's too: on another dialect the migration step refuses.
        const step = yield* Effect.scoped(
          Effect.flatMap(engineFor("sqlite://"), (sqlite) => Migration.notifyChanges("ln_tasks").pipe(Effect.provideService(Engine.Engine, sqlite)))
        ).pipe(Effect.flip)
        assert.strictEqual(step._tag, "MigrationError")
        const empty = yield* Migration.notifyChanges("").pipe(Effect.flip)
        assert.strictEqual(empty._tag, "MigrationError")
      }))
  })
}

postgres(suite)
