/**
 * Workload e's layers on PostgreSQL, alternating in one process (wall ms per 2,000 lookups at
 * concurrency 10, the fastest of 15 rounds):
 *   npx tsc -p tsconfig.bench.json && node .bench/bench/concProbe.js [url]
 * raw: ten pg clients; engine: Engine.execute; session: Session.use + session.get, as workload e.
 */
import { Effect } from "effect"
import pg from "pg"
import { Engine, Session } from "../src/index.js"
import { seededRuntime, User } from "./model.js"
const url = process.argv[2] ?? "postgresql://postgres@127.0.0.1:5432/test"
const { runtime } = await seededRuntime(url, 100)
const N = 2000
const ids = Array.from({ length: N }, (_, i) => 1 + i % 100)
const text = "SELECT id, name, email, age, score FROM bench_users WHERE id = $1"
const pool = new pg.Pool({ connectionString: url, max: 10 })
const modes: Record<string, () => Promise<unknown>> = {
  raw: async () => {
    let next = 0
    await Promise.all(Array.from({ length: 10 }, async () => {
      const c = await pool.connect()
      try {
        while (next < N) await c.query({ name: "g", text, values: [ids[next++]] })
      } finally {
        c.release()
      }
    }))
  },
  engine: () => runtime.runPromise(Effect.flatMap(Engine.Engine, (e) => Effect.forEach(ids, (id) => e.execute(text, [id]), { concurrency: 10, discard: true }))),
  workers: () => runtime.runPromise(Effect.flatMap(Engine.Engine, (e) => {
    let next = 0
    const worker = Effect.whileLoop({ while: () => next < N, body: () => e.execute(text, [ids[next++]]), step: () => {} })
    return Effect.all(Array.from({ length: 10 }, () => worker), { concurrency: "unbounded", discard: true })
  })),
  session: () => runtime.runPromise(Effect.forEach(ids, (id) => Session.use((s) => s.get(User, id)), { concurrency: 10, discard: true }))
}
const best: Record<string, Array<number>> = { raw: [], engine: [], workers: [], session: [] }
for (let r = 0; r < 15; r++) {
  for (const [name, f] of Object.entries(modes)) {
    const c = process.cpuUsage()
    const t = performance.now()
    await f()
    const u = process.cpuUsage(c)
    best[name]!.push(performance.now() - t, (u.user + u.system) / 1000)
  }
}
for (const [name, xs] of Object.entries(best)) {
  const wall = xs.filter((_, i) => i % 2 === 0).sort((a, b) => a - b)
  const cpu = xs.filter((_, i) => i % 2 === 1).sort((a, b) => a - b)
  console.log(name.padEnd(8), "wall min", wall[0]!.toFixed(1), "median", wall[7]!.toFixed(1), "ms   cpu min", cpu[0]!.toFixed(1), "median", cpu[7]!.toFixed(1), "ms")
}
await pool.end()
await runtime.dispose()
