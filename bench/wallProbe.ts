/**
 * Wall time of 2,000 sequential PostgreSQL lookups, interleaved, medians of 21 rounds: raw pg,
 * a bare Effect.async around the same call, engine.execute, Session.use + session.get.
 * npx tsc -p tsconfig.bench.json && node .bench/bench/wallProbe.js
 */
import { Effect, ManagedRuntime } from "effect"
import pg from "pg"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"
const url = "postgresql://postgres@127.0.0.1:5432/test"
const runtime = ManagedRuntime.make(Engine.layer(url, { pool: { size: 10 } }))
await runtime.runPromise(Effect.gen(function*() { yield* MetaData.make(User).dropAll; yield* MetaData.make(User).createAll; yield* Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => userInsert(i)))) }))
const engine = await runtime.runPromise(Engine.Engine)
const client = new pg.Client({ connectionString: url })
await client.connect()
const sql = "SELECT id, name, email, age, score FROM bench_users WHERE id = $1"
const ids = Array.from({ length: 2000 }, (_, i) => 1 + (i * 7919) % 10000)
const one = (i: number) => new Promise((resolve, reject) => {
  const q = new pg.Query(sql, [i], (err: Error | undefined, r: unknown) => (err ? reject(err) : resolve(r)))
  ;(q as { name?: string }).name = "wp_get"
  client.query(q)
})
const cases: Record<string, () => Promise<unknown>> = {
  raw: async () => { for (const i of ids) await one(i) },
  bareAsync: () => Effect.runPromise(Effect.forEach(ids, (i) => Effect.async<unknown>((resume) => {
    const q = new pg.Query(sql, [i], (err: Error | undefined, r: unknown) => resume(err ? Effect.die(err) : Effect.succeed(r)))
    ;(q as { name?: string }).name = "wp_get2"
    client.query(q)
  }), { discard: true })),
  engine: () => runtime.runPromise(Effect.forEach(ids, (i) => engine.execute(sql, [i]), { discard: true })),
  sessionGet: () => runtime.runPromise(Effect.forEach(ids, (i) => Session.use((s) => s.get(User, i)), { discard: true }))
}
const xs: Record<string, Array<number>> = {}
for (let r = 0; r < Number(process.env["ROUNDS"] ?? 21); r++) {
  for (const [k, f] of Object.entries(cases)) {
    const t = performance.now()
    await f()
    ;(xs[k] ??= []).push(performance.now() - t)
  }
}
for (const [k, v] of Object.entries(xs)) {
  v.sort((a, b) => a - b)
  console.log(k.padEnd(12), "median", v[v.length >> 1]!.toFixed(1), "min", v[0]!.toFixed(1), "ms")
}
await runtime.runPromise(MetaData.make(User).dropAll)
await client.end()
await runtime.dispose()
