/**
 * The cost of making a session per unit of work on SQLite (in memory), inside one fiber:
 * `Effect.forEach` over 50,000 items, the fastest of 7 rounds, in µs per item, beside the
 * frames it is made of. npx tsc -p tsconfig.bench.json && node .bench/bench/sessionPath.js
 */
import { Effect, ManagedRuntime, Runtime } from "effect"
import * as Events from "../src/Events.js"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { SessionObject } from "../src/internal/session/SessionObject.js"
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
const ids = Array.from({ length: N }, (_, i) => 1 + (i * 7919) % ROWS)
const loop = (f: (id: number) => Effect.Effect<unknown, unknown, Engine.Engine>) => () =>
  run(Effect.forEach(ids, f, { discard: true }))
const sql = "SELECT id, name, email, age, score FROM bench_users WHERE id = ?"
const cases: Record<string, () => unknown> = {
  "Effect.sync": loop(() => Effect.sync(() => 1)),
  "Effect.onExit(sync)": loop(() => Effect.onExit(Effect.sync(() => 1), () => Effect.void)),
  "new SessionObject": loop(() => Effect.sync(() => new SessionObject(engine, noScope, Events.empty, undefined))),
  "Session.use(sync)": loop(() => Session.use(() => Effect.sync(() => 1))),
  "engine.execute (one row)": loop((id) => engine.execute(sql, [id], { single: true })),
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
