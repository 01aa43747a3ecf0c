/**
 * Wall and CPU time per point lookup on PostgreSQL, one layer at a time, 15 rounds of 2,000:
 *   npx tsc -p tsconfig.bench.json && node .bench/bench/pgProbe.js raw|async|engine|exec|session [url]
 * raw: `await client.query` with a named statement; async: the same call in `Effect.async`
 * (what Effect's resumption costs); engine: Engine.execute; exec: Query.execute(select);
 * session: Session.use + session.get, as workload d.
 */
import { Effect } from "effect"
import pg from "pg"
import { Engine, Query, Session } from "../src/index.js"
import { seededRuntime, User } from "./model.js"
const url = process.argv[3] ?? "postgresql://postgres@127.0.0.1:5432/test"
const { runtime } = await seededRuntime(url, 100)
const N = 2000
const ids = Array.from({ length: N }, (_, i) => i)
const mode = process.argv[2] ?? "session"
const text = "SELECT id, name, email, age, score FROM bench_users WHERE id = $1"
const client = new pg.Client(url)
await client.connect()
const query = (i: number) => ({ name: "g", text, values: [1 + i % 100] })
const rounds: Record<string, () => Promise<unknown>> = {
  raw: async () => {
    for (const i of ids) await client.query(query(i))
  },
  async: () =>
    runtime.runPromise(Effect.forEach(ids, (i) =>
      Effect.async<unknown>((resume) => {
        client.query(query(i), (_: Error | null, r: unknown) => resume(Effect.succeed(r)))
      }), { discard: true })),
  engine: () => runtime.runPromise(Effect.flatMap(Engine.Engine, (e) => Effect.forEach(ids, (i) => e.execute(text, [1 + i % 100]), { discard: true }))),
  exec: () => runtime.runPromise(Effect.forEach(ids, (i) => Query.execute(Query.select(User).where(User.c.id.eq(1 + i % 100))), { discard: true })),
  session: () => runtime.runPromise(Effect.forEach(ids, (i) => Session.use((s) => s.get(User, 1 + i % 100)), { discard: true }))
}
const round = rounds[mode]!
for (let r = 0; r < 15; r++) {
  const c = process.cpuUsage()
  const t = performance.now()
  await round()
  const u = process.cpuUsage(c)
  console.log(mode, ((performance.now() - t) * 1000 / N).toFixed(1), "µs wall", ((u.user + u.system) / N).toFixed(1), "µs cpu")
}
await client.end()
await runtime.dispose()
