/**
 * Per-layer cost of one SQLite row insert: the fastest of 25 runs of 2,000, in µs per row, from the
 * engine up to the session. npx tsc -p tsconfig.bench.json && node .bench/bench/insertPath.js
 */
import Database from "better-sqlite3"
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert, userRow } from "./model.js"
const url = `sqlite:///${join(mkdtempSync(join(tmpdir(), "retort-micro-")), "p.db")}`
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url))))
const md = MetaData.make(User)
await runtime.runPromise(Effect.gen(function*() { yield* md.dropAll; yield* md.createAll }))
const N = 2000
const reset = () => runtime.runPromise(Query.execute(Query.delete(User)))
const t = async (name: string, eff: () => Effect.Effect<unknown, unknown, any>) => {
  const xs: number[] = []
  for (let i = 0; i < 25; i++) { await reset(); const s = process.cpuUsage(); await runtime.runPromise(eff() as any); const u = process.cpuUsage(s); xs.push((u.user + u.system) / 1000) }
  xs.sort((a, b) => a - b); console.log(name.padEnd(40), (xs[0]! * 1000 / N).toFixed(2), "µs/row")
}
const sql = "INSERT INTO bench_users (id, name, email, age, score) VALUES (?, ?, ?, ?, ?)"
const ids = Array.from({ length: N }, (_, i) => i)
// The raw driver on its own connection to the same file, as workload a's raw side.
const raw = new Database(url.slice("sqlite:///".length))
const rawInsert = raw.prepare(sql)
await t("raw stmt.run in tx", () => Effect.sync(() => {
  raw.exec("BEGIN")
  for (const i of ids) { const r = userRow(i); rawInsert.run(r.id, r.name, r.email, r.age, r.score) }
  raw.exec("COMMIT")
}))
await t("engine.execute in tx", () => Effect.flatMap(Engine.Engine, (e) => e.transaction(Effect.forEach(ids, (i) => { const r = userRow(i); return e.execute(sql, [r.id, r.name, r.email, r.age, r.score]) }, { discard: true }))))
await t("engine.execute RETURNING in tx", () => Effect.flatMap(Engine.Engine, (e) => e.transaction(Effect.forEach(ids, (i) => { const r = userRow(i); return e.execute(sql + " RETURNING id, name, email, age, score", [r.id, r.name, r.email, r.age, r.score]) }, { discard: true }))))
await t("Query.execute insert in tx", () => Effect.flatMap(Engine.Engine, (e) => e.transaction(Effect.forEach(ids, (i) => Query.execute(Query.insert(User).values(userInsert(i))), { discard: true }))))
await t("Query.execute insert returning in tx", () => Effect.flatMap(Engine.Engine, (e) => e.transaction(Effect.forEach(ids, (i) => Query.execute(Query.insert(User).values(userInsert(i)).returning(User)), { discard: true }))))
await t("session.insert in tx", () => Effect.scoped(Effect.flatMap(Session.make, (s) => s.transaction(Effect.forEach(ids, (i) => s.insert(User, userInsert(i)), { discard: true })))))
await t("session.insert in tx (use)", () => Session.use((s) => s.transaction(Effect.forEach(ids, (i) => s.insert(User, userInsert(i)), { discard: true }))))
await t("forEach succeed", () => Effect.forEach(ids, (i) => Effect.succeed(i), { discard: true }))
await t("userInsert only", () => Effect.sync(() => { for (const i of ids) userInsert(i) }))
raw.close()
await runtime.dispose()
