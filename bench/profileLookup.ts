/**
 * CPU profile of workload d's loop (2,000 `session.get`, each in a fresh `Session.use`), repeated:
 * npx tsc -p tsconfig.bench.json && node --cpu-prof --cpu-prof-dir=/tmp/prof .bench/bench/profileLookup.js
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"
const url = `sqlite:///${join(mkdtempSync(join(tmpdir(), "retort-prof-")), "p.db")}`
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url, { pool: { size: Number(process.env["POOL"] ?? 10) } }))))
const md = MetaData.make(User)
await runtime.runPromise(Effect.gen(function*() { yield* md.dropAll; yield* md.createAll }))
await runtime.runPromise(Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => userInsert(i)))))
const ops = Array.from({ length: 2000 }, (_, i) => 1 + (i * 7919) % 10_000)
const loop = Effect.forEach(ops, (id) => Session.use((s) => s.get(User, id)), { discard: true })
const times: number[] = []
for (let r = 0; r < Number(process.env["RUNS"] ?? 100); r++) {
  const t = process.hrtime.bigint()
  const c = process.cpuUsage()
  await runtime.runPromise(loop)
  const u = process.cpuUsage(c)
  times.push((u.user + u.system) / 1000)
  void t
}
times.sort((a, b) => a - b)
console.log("cpu min", times[0]!.toFixed(2), "median", times[times.length >> 1]!.toFixed(2), "ms per 2,000")
if (process.env["SNAP"]) (await import("node:v8")).writeHeapSnapshot(process.env["SNAP"])
await runtime.dispose()
