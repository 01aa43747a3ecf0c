/**
 * A workload under the profiler (lookups, inserts, select), compiled first:
 *   npx tsc -p tsconfig.bench.json && node --cpu-prof .bench/bench/profile.js select
 * Writes a .cpuprofile to read in Chrome DevTools or summarize with bench/hotspots.ts.
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"


const workload = process.argv[2] ?? "lookups"
const url = process.argv[3] ?? `sqlite:///${join(mkdtempSync(join(tmpdir(), "retort-prof-")), "p.db")}`
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url))))
const inSession = <A, E>(f: (s: Session.Session) => Effect.Effect<A, E, Engine.Engine>) => Session.use(f)
const row = userInsert

await runtime.runPromise(Effect.gen(function*() {
  const md = MetaData.make(User)
  yield* md.dropAll
  yield* md.createAll
  yield* Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => row(i))))
}))
const start = Date.now()
const rounds = Number(process.env.ROUNDS ?? 5)
for (let round = 0; round < rounds; round++) {
  if (workload === "lookups") {
    await runtime.runPromise(Effect.forEach(Array.from({ length: 2000 }, (_, i) => i), (i) => inSession((s) => s.get(User, 1 + (i * 7919) % 10_000)), { discard: true }))
  } else if (workload === "select") {
    for (let i = 0; i < 10; i++) await runtime.runPromise(inSession((s) => s.query(User).all))
  } else {
    await runtime.runPromise(Query.execute(Query.delete(User)))
    await runtime.runPromise(inSession((s) => s.transaction(Effect.forEach(Array.from({ length: 2000 }, (_, i) => i), (i) => s.insert(User, row(i)), { discard: true }))))
  }
}
console.log(`${workload}: ${Date.now() - start} ms for ${rounds} rounds`)
await runtime.dispose()
