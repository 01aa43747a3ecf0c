/**
 * CPU profile of workload c (`session.query(User).all` over 10,000 rows, fresh session each), repeated:
 * npx tsc -p tsconfig.bench.json && node --cpu-prof --cpu-prof-dir=/tmp/prof .bench/bench/profileSelect.js [url]
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"
const url = process.argv[2] ?? "postgresql://postgres@127.0.0.1:5432/test"
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url, { pool: { size: 10 } }))))
const md = MetaData.make(User)
await runtime.runPromise(Effect.gen(function*() { yield* md.dropAll; yield* md.createAll }))
await runtime.runPromise(Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => userInsert(i)))))
const loop = Session.use((s) => Effect.map(s.query(User).all, (rows) => rows.length))
const raw = Engine.execute("SELECT id, name, email, age, score FROM bench_users")
for (const [name, eff] of [["session", loop], ["engine.execute", raw]] as const) {
  const times: number[] = []
  for (let r = 0; r < Number(process.env["RUNS"] ?? 60); r++) {
    const c = process.cpuUsage()
    await runtime.runPromise(eff as Effect.Effect<unknown, unknown, never>)
    const u = process.cpuUsage(c)
    times.push((u.user + u.system) / 1000)
  }
  times.sort((a, b) => a - b)
  console.log(name.padEnd(16), "cpu min", times[0]!.toFixed(2), "median", times[times.length >> 1]!.toFixed(2), "ms per 10,000 rows")
}
await runtime.runPromise(md.dropAll)
await runtime.dispose()
