/**
 * Wall and CPU time per point lookup on a server, one layer at a time, 15 rounds of 2,000:
 *   npx tsc -p tsconfig.bench.json && node .bench/bench/pgProbe.js raw|engine|exec|session [url]
 * raw: pg with a named statement; engine: Engine.execute; exec: Query.execute(select);
 * session: Session.use + session.get, as workload d.
 */
import pg from "pg"
import { Effect, Layer, ManagedRuntime } from "effect"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"
const url = process.argv[3] ?? "postgresql://postgres@127.0.0.1:5432/test"
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url, { pool: { size: 10 } }))))
const md = MetaData.make(User)
await runtime.runPromise(Effect.gen(function*() { yield* md.dropAll; yield* md.createAll; yield* Query.execute(Query.insert(User).values(Array.from({ length: 100 }, (_, i) => userInsert(i)))) }))
const N = 2000
const ids = Array.from({ length: N }, (_, i) => i)
const mode = process.argv[2]
const text = "SELECT id, name, email, age, score FROM bench_users WHERE id = $1"
const eff = mode === "session" ? Effect.forEach(ids, (i) => Session.use((s) => s.get(User, 1 + i % 100)), { discard: true })
 : mode === "exec" ? Effect.forEach(ids, (i) => Query.execute(Query.select(User).where(User.c.id.eq(1 + i % 100))), { discard: true })
 : Effect.flatMap(Engine.Engine, (e) => Effect.forEach(ids, (i) => e.execute(text, [1 + i % 100]), { discard: true }))
const client = new pg.Client(url); await client.connect()
if (mode === "raw") { for (let r = 0; r < 15; r++) { const c = process.cpuUsage(); const t = performance.now(); for (const i of ids) await client.query({ name: "g", text, values: [1 + i % 100] }); const u = process.cpuUsage(c); console.log(mode, ((performance.now() - t) * 1000 / N).toFixed(1), "µs wall", ((u.user + u.system) / N).toFixed(1), "µs cpu") } }
else for (let r = 0; r < 15; r++) { const c = process.cpuUsage(); const t = performance.now(); await runtime.runPromise(eff); const u = process.cpuUsage(c); console.log(mode, ((performance.now() - t) * 1000 / N).toFixed(1), "µs wall", ((u.user + u.system) / N).toFixed(1), "µs cpu") }
await client.end(); await runtime.dispose()
