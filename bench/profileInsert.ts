/**
 * CPU profile of workload a's loop (session.insert × 2,000 in one transaction), or with `bulk`
 * of workload b's (session.addAll of 10,000 rows, then commit), repeated:
 * npx tsc -p tsconfig.bench.json && node --cpu-prof --cpu-prof-dir=/tmp/prof .bench/bench/profileInsert.js [bulk]
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"
const url = `sqlite:///${join(mkdtempSync(join(tmpdir(), "retort-prof-")), "p.db")}`
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url))))
const md = MetaData.make(User)
await runtime.runPromise(Effect.gen(function*() { yield* md.dropAll; yield* md.createAll }))
const ids = Array.from({ length: 2000 }, (_, i) => i)
const bulk = process.argv[2] === "bulk"
const loop = bulk
  ? Session.use((s) => Effect.zipRight(s.addAll(User, Array.from({ length: 10_000 }, (_, i) => userInsert(i))), s.commit))
  : Session.use((s) => s.transaction(Effect.forEach(ids, (i) => s.insert(User, userInsert(i)), { discard: true })))
const times: number[] = []
for (let r = 0; r < Number(process.env["RUNS"] ?? 200); r++) {
  await runtime.runPromise(Query.execute(Query.delete(User)))
  const t = process.hrtime.bigint()
  await runtime.runPromise(loop)
  times.push(Number(process.hrtime.bigint() - t) / 1e6)
}
times.sort((a, b) => a - b)
console.log("min", times[0]!.toFixed(2), "median", times[times.length >> 1]!.toFixed(2), `ms per ${bulk ? "10,000" : "2,000"}`)
await runtime.dispose()
