/**
 * CPU profile of workload d on PostgreSQL (2,000 `Session.use` + `session.get`), repeated:
 * npx tsc -p tsconfig.bench.json && node --cpu-prof --cpu-prof-dir=/tmp/prof .bench/bench/pgLookupProfile.js
 */
import { Effect, ManagedRuntime } from "effect"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"
const runtime = ManagedRuntime.make(Engine.layer(process.env["URL"] ?? "postgresql://postgres@127.0.0.1:5432/test", { pool: { size: 10 } }))
await runtime.runPromise(Effect.gen(function*() { yield* MetaData.make(User).dropAll; yield* MetaData.make(User).createAll; yield* Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => userInsert(i)))) }))
const ids = Array.from({ length: 2000 }, (_, i) => 1 + (i * 7919) % 10000)
const loop = Effect.forEach(ids, (i) => Session.use((s) => s.get(User, i)), { discard: true })
for (let r = 0; r < Number(process.env["RUNS"] ?? 40); r++) await runtime.runPromise(loop)
await runtime.runPromise(MetaData.make(User).dropAll)
await runtime.dispose()
