/**
 * Per-layer cost of one SQLite point lookup: the fastest of 25 runs of 2,000, in µs per row, from the
 * engine up to the session. npx tsc -p tsconfig.bench.json && node .bench/bench/lookupPath.js
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"
const url = `sqlite:///${join(mkdtempSync(join(tmpdir(), "retort-micro-")), "p.db")}`
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url))))
const md = MetaData.make(User)
await runtime.runPromise(Effect.gen(function*() { yield* md.dropAll; yield* md.createAll; yield* Query.execute(Query.insert(User).values(Array.from({ length: 10000 }, (_, i) => userInsert(i)))) }))
const N = 2000
const t = async (name: string, eff: () => Effect.Effect<unknown, unknown, any>) => {
  const xs: number[] = []
  for (let i = 0; i < 25; i++) { const s = process.cpuUsage(); await runtime.runPromise(eff() as any); const u = process.cpuUsage(s); xs.push((u.user + u.system) / 1000) }
  xs.sort((a, b) => a - b); console.log(name.padEnd(40), (xs[0]! * 1000 / N).toFixed(2), "µs/op")
}
const ids = Array.from({ length: N }, (_, i) => 1 + (i * 7919) % 10000)
const sql = "SELECT id, name, email, age, score FROM bench_users WHERE id = ?"
await t("engine.execute", () => Effect.flatMap(Engine.Engine, (e) => Effect.forEach(ids, (i) => e.execute(sql, [i]), { discard: true })))
await t("Query.execute select", () => Effect.forEach(ids, (i) => Query.execute(Query.select(User).where(User.c.id.eq(i))), { discard: true }))
await t("Session.make scoped", () => Effect.forEach(ids, () => Effect.scoped(Session.make), { discard: true }))
await t("s.get one session", () => Effect.scoped(Effect.flatMap(Session.make, (s) => Effect.forEach(ids, (i) => Effect.zipRight(s.get(User, i), Effect.sync(() => (s as any).engine)), { discard: true }))))
await t("s.get fresh session", () => Effect.forEach(ids, (i) => Effect.scoped(Effect.flatMap(Session.make, (s) => s.get(User, i))), { discard: true }))
await t("s.get Session.use", () => Effect.forEach(ids, (i) => Session.use((s) => s.get(User, i)), { discard: true }))
await runtime.dispose()
