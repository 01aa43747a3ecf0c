/**
 * Where a point lookup's time goes, layer by layer: the driver, Engine.execute, Query.execute,
 * a session's get on a fresh session and on one session.  node .bench/bench/split.js [url]
 */
import Database from "better-sqlite3"
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"


const file = join(mkdtempSync(join(tmpdir(), "retort-split-")), "s.db")
const url = process.argv[2] ?? `sqlite:///${file}`
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url))))
const N = 2000
const ids = Array.from({ length: N }, (_, i) => 1 + (i * 7919) % 10_000)
const time = async (label: string, f: () => Promise<unknown>) => {
  await f()
  const start = process.hrtime.bigint()
  await f()
  console.log(`${label.padEnd(40)} ${(Number(process.hrtime.bigint() - start) / 1e3 / N).toFixed(1)} µs per lookup`)
}

await runtime.runPromise(Effect.gen(function*() {
  const md = MetaData.make(User)
  yield* md.dropAll
  yield* md.createAll
  yield* Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => userInsert(i))))
}))
const sql = Query.select(User).where(User.c.id.eq(1)).toSql(url.startsWith("sqlite") ? "sqlite" : url.startsWith("postgres") ? "postgresql" : "mysql").sql
if (url.startsWith("sqlite")) {
  const db = new Database(file)
  const stmt = db.prepare(sql)
  await time("better-sqlite3 prepared", async () => { for (const id of ids) stmt.get(id) })
}
await time("Effect.forEach of Effect.succeed", () => runtime.runPromise(Effect.forEach(ids, (id) => Effect.succeed(id), { discard: true })))
await time("Engine.execute (pool)", () => runtime.runPromise(Effect.flatMap(Engine.Engine, (e) => Effect.forEach(ids, (id) => e.execute(sql, [id]), { discard: true }))))
await time("Engine.execute in one transaction", () => runtime.runPromise(Engine.transaction(Effect.flatMap(Engine.Engine, (e) => Effect.forEach(ids, (id) => e.execute(sql, [id]), { discard: true })))))
await time("Query.execute (pool)", () => runtime.runPromise(Effect.forEach(ids, (id) => Query.execute(Query.select(User).where(User.c.id.eq(id))), { discard: true })))
await time("session.get, one session (no map hits)", () => runtime.runPromise(Effect.scoped(Effect.flatMap(Session.make, (s) => Effect.forEach(ids, (id) => s.get(User, id), { discard: true })))))
await time("session.get, fresh session each", () => runtime.runPromise(Effect.forEach(ids, (id) => Effect.scoped(Effect.flatMap(Session.make, (s) => s.get(User, id))), { discard: true })))
await time("Session.make + close only", () => runtime.runPromise(Effect.forEach(ids, () => Effect.scoped(Session.make), { discard: true })))
await runtime.dispose()
