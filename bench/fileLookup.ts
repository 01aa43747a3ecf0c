/**
 * Workload d on a file-backed SQLite database, layer by layer, with the raw driver on its own
 * connection to the same file in the same process: CPU ms per 2,000 lookups, the best of 7
 * rounds after a warm-up, and the wall time spent inside the driver's `get` (the rest is retort's).
 * npx tsc -p tsconfig.bench.json && node .bench/bench/fileLookup.js
 *
 * A lookup outside a transaction is a read transaction of its own, and on a file that is most
 * of the driver's cost ("raw, in one transaction" shows the statement alone).
 */
import Database from "better-sqlite3"
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"

const file = join(mkdtempSync(join(tmpdir(), "retort-lookup-")), "p.db")
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(`sqlite:///${file}`))))
const md = MetaData.make(User)
await runtime.runPromise(Effect.gen(function*() {
  yield* md.dropAll
  yield* md.createAll
  yield* Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => userInsert(i))))
}))
const engine = await runtime.runPromise(Engine.Engine)
const db = new Database(file)
const sql = "SELECT id, name, email, age, score FROM bench_users WHERE id = ?"
const get = db.prepare(sql)
const ops = Array.from({ length: 2000 }, (_, i) => 1 + (i * 7919) % 10_000)
const loop = (f: (id: number) => Effect.Effect<unknown, unknown, Engine.Engine>) => () =>
  runtime.runPromise(Effect.forEach(ops, f, { discard: true }))
const cases: Record<string, () => unknown> = {
  "raw get": () => { for (const id of ops) get.get(id) },
  "raw get, in one transaction": () => db.transaction(() => { for (const id of ops) get.get(id) })(),
  "Effect.sync": loop(() => Effect.sync(() => 1)),
  "Session.use(sync)": loop(() => Session.use(() => Effect.sync(() => 1))),
  "engine.execute": loop((id) => engine.execute(sql, [id], { single: true })),
  "Session.use + engine.execute": loop((id) => Session.use(() => engine.execute(sql, [id], { single: true }))),
  "Session.use + session.get": loop((id) => Session.use((s) => s.get(User, id)))
}
// The time inside the driver's own call, on either connection: what is left is the layers'.
const proto = Object.getPrototypeOf(get) as { get: (...params: Array<unknown>) => unknown }
const driverGet = proto.get
const inDriver: Record<string, number> = {}
let current = ""
proto.get = function(this: Database.Statement, ...params: Array<unknown>) {
  const t = process.hrtime.bigint()
  const row = driverGet.apply(this, params)
  if (current !== "") inDriver[current] = (inDriver[current] ?? 0) + Number(process.hrtime.bigint() - t)
  return row
}
const best: Record<string, number> = {}
for (let round = 0; round < 8; round++) {
  for (const [name, f] of Object.entries(cases)) {
    current = round === 7 ? name : ""
    const c = process.cpuUsage()
    await f()
    const u = process.cpuUsage(c)
    if (round > 0) best[name] = Math.min(best[name] ?? Infinity, (u.user + u.system) / 1000)
  }
}
console.log(`${"".padEnd(30)} ${"CPU ms".padStart(7)}   µs per lookup in the driver's get (last round)`)
for (const [name, ms] of Object.entries(best)) console.log(`${name.padEnd(30)} ${ms.toFixed(2).padStart(7)}   ${((inDriver[name] ?? 0) / 1000 / ops.length).toFixed(2)}`)
db.close()
await runtime.dispose()
