/**
 * Garbage per PostgreSQL point lookup, layer by layer: 20,000 sequential lookups in one mode.
 * Count the scavenges of a 1 MB young generation (each is about 1 MB allocated):
 *   npx tsc -p tsconfig.bench.json
 *   node --max-semi-space-size=1 --min-semi-space-size=1 --trace-gc .bench/bench/garbageProbe.js <mode> | grep -c Scavenge
 * none: seeding only; raw: `await client.query`; async: the same call in a bare `Effect.async`;
 * engine: `Engine.execute`; session: `Session.use` + `session.get` per lookup (workload d).
 */
import { Effect } from "effect"
import pg from "pg"
import { Engine, Session } from "../src/index.js"
import { seededRuntime, User } from "./model.js"

const url = process.argv[3] ?? "postgresql://postgres@127.0.0.1:5432/test"
const mode = process.argv[2] ?? "engine"
const { runtime } = await seededRuntime(url, 2000)
const ids = Array.from({ length: 2000 }, (_, i) => 1 + i)
const text = "SELECT id, name, email, age, score FROM bench_users WHERE id = $1"
const ROUNDS = 10

if (mode === "engine" || mode === "session") {
  const effect = mode === "engine"
    ? Effect.flatMap(Engine.Engine, (e) => Effect.forEach(ids, (id) => e.execute(text, [id]), { discard: true }))
    : Effect.forEach(ids, (id) => Session.use((s) => s.get(User, id)), { discard: true })
  for (let r = 0; r < ROUNDS; r++) await runtime.runPromise(effect)
} else {
  const client = new pg.Client(url)
  await client.connect()
  const one = (id: number) =>
    Effect.async<unknown>((resume) => {
      client.query({ name: "g", text, values: [id] }, (e, r) => resume(e ? Effect.die(e) : Effect.succeed(r.rows)))
    })
  for (let r = 0; r < ROUNDS; r++) {
    if (mode === "raw") for (const id of ids) await client.query({ name: "g", text, values: [id] })
    else if (mode === "async") await Effect.runPromise(Effect.forEach(ids, one, { discard: true }))
  }
  await client.end()
}
await runtime.dispose()
