/**
 * A SQLite point lookup layer by layer, CPU µs per lookup (fastest of 20 runs of 2,000): the raw
 * driver, the same in `Effect.sync`, `engine.execute`, `session.get` in one session, and
 * `Session.use` + `session.get` (bench d). npx tsc -p tsconfig.bench.json && node .bench/bench/layerPath.js
 */
import Database from "better-sqlite3"
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"
const file = join(mkdtempSync(join(tmpdir(), "retort-layers-")), "p.db")
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(`sqlite:///${file}`))))
await runtime.runPromise(Effect.gen(function*() {
  const md = MetaData.make(User)
  yield* md.dropAll
  yield* md.createAll
  yield* Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => userInsert(i))))
}))
const db = new Database(file)
const text = "SELECT id, name, email, age, score FROM bench_users WHERE id = ?"
const stmt = db.prepare(text)
const ids = Array.from({ length: 2000 }, (_, i) => 1 + (i * 7919) % 10_000)
const engine = await runtime.runPromise(Engine.Engine)
const options = { single: true, readOnly: true }
const layers: Record<string, () => unknown> = {
  "raw stmt.get": () => { for (const id of ids) stmt.get(id) },
  "Effect.sync(stmt.get)": () => runtime.runPromise(Effect.forEach(ids, (id) => Effect.sync(() => stmt.get(id)), { discard: true })),
  "engine.execute": () => runtime.runPromise(Effect.forEach(ids, (id) => engine.execute(text, [id], options), { discard: true })),
  "session.get, one session": () => runtime.runPromise(Session.use((s) => Effect.forEach(ids, (id) => s.get(User, id), { discard: true }))),
  "Session.use + session.get": () => runtime.runPromise(Effect.forEach(ids, (id) => Session.use((s) => s.get(User, id)), { discard: true }))
}
for (const [name, f] of Object.entries(layers)) {
  let best = Infinity
  for (let i = 0; i < 20; i++) {
    const c = process.cpuUsage()
    await f()
    const u = process.cpuUsage(c)
    best = Math.min(best, (u.user + u.system) / ids.length)
  }
  console.log(name.padEnd(28), best.toFixed(2), "µs")
}
db.close()
await runtime.dispose()
