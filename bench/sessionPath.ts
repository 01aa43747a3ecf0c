/**
 * The cost of making a session per unit of work on SQLite (in memory), inside one fiber:
 * `Effect.forEach` over 50,000 items, the fastest of 7 rounds, in µs per item, beside the
 * frames it is made of. npx tsc -p tsconfig.bench.json && node .bench/bench/sessionPath.js
 */
import Database from "better-sqlite3"
import { Effect, ManagedRuntime, Runtime } from "effect"
import * as Events from "../src/Events.js"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { LazyLoads } from "../src/internal/loading/LazyLoads.js"
import { IdentityMap } from "../src/internal/session/IdentityMap.js"
import { SessionObject } from "../src/internal/session/SessionObject.js"
import * as SessionTransaction from "../src/internal/session/SessionTransaction.js"
import { User, userInsert } from "./model.js"

const rt = ManagedRuntime.make(Engine.layer("sqlite://"))
const ROWS = 10_000
await rt.runPromise(Effect.gen(function*() {
  yield* MetaData.make(User).createAll
  yield* Query.execute(Query.insert(User).values(Array.from({ length: ROWS }, (_, i) => userInsert(i))))
}))
const engine = await rt.runPromise(Engine.Engine)
const run = Runtime.runSync(await rt.runtime())
const noScope = () => {
  throw new Error("no scope")
}
const N = 50_000
const sql = "SELECT id, name, email, age, score FROM bench_users WHERE id = ?"
const ids = Array.from({ length: N }, (_, i) => 1 + (i * 7919) % ROWS)
const loop = (f: (id: number) => Effect.Effect<unknown, unknown, Engine.Engine>) => () =>
  run(Effect.forEach(ids, f, { discard: true }))
// The driver alone, on a copy of the table in its own in-memory database.
const db = new Database(":memory:")
db.exec("CREATE TABLE bench_users (id INTEGER PRIMARY KEY, name VARCHAR(50), email VARCHAR(100), age INTEGER, score NUMERIC(10, 2))")
const seed = db.prepare("INSERT INTO bench_users VALUES (?, ?, ?, ?, ?)")
db.transaction(() => { for (let i = 0; i < ROWS; i++) seed.run(i + 1, `user ${i}`, `user${i}@example.com`, 20 + (i % 50), `${i % 1000}.${String(i % 100).padStart(2, "0")}`) })()
const stmt = db.prepare(sql)
const cases: Record<string, () => unknown> = {
  "raw stmt.get (no Effect)": () => { for (const id of ids) stmt.get(id) },
  "Effect.sync": loop(() => Effect.sync(() => 1)),
  "Effect.onExit(sync)": loop(() => Effect.onExit(Effect.sync(() => 1), () => Effect.void)),
  "new IdentityMap": loop(() => Effect.sync(() => new IdentityMap())),
  "new LazyLoads": loop(() => Effect.sync(() => new LazyLoads("batch"))),
  "SessionTransaction.build": loop(() => Effect.sync(() => SessionTransaction.build(engine, new IdentityMap(), noScope, Events.empty))),
  "new SessionObject": loop(() => Effect.sync(() => new SessionObject(engine, noScope, Events.empty, undefined))),
  "Session.use(sync)": loop(() => Session.use(() => Effect.sync(() => 1))),
  "engine.execute (one row)": loop((id) => engine.execute(sql, [id], { single: true })),
  "Session.use + engine.execute": loop((id) => Session.use(() => engine.execute(sql, [id], { single: true }))),
  "onExit(engine.execute)": loop((id) => Effect.onExit(engine.execute(sql, [id], { single: true }), () => Effect.void)),
  "mask(restore(engine.execute))": loop((id) => Effect.uninterruptibleMask((restore) => restore(engine.execute(sql, [id], { single: true })))),
  "Session.use + session.get": loop((id) => Session.use((s) => s.get(User, id)))
}
const best: Record<string, number> = {}
for (let round = 0; round < 7; round++) {
  for (const [name, f] of Object.entries(cases)) {
    const t = performance.now()
    f()
    best[name] = Math.min(best[name] ?? Infinity, (performance.now() - t) * 1000 / N)
  }
}
for (const [name, us] of Object.entries(best)) console.log(`${name.padEnd(28)} ${us.toFixed(2).padStart(6)} µs`)
await rt.dispose()
