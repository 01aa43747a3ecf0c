/**
 * Which step of a point lookup keeps garbage alive through young-generation GCs: heap after each
 * scavenge, per variant. npx tsc -p tsconfig.bench.json && node .bench/bench/gcProbe.js <variant>
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PerformanceObserver } from "node:perf_hooks"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert } from "./model.js"
import { rowDecoder } from "../src/internal/rows.js"
import { toDecimal } from "../src/internal/values.js"
import { IdentityMap } from "../src/internal/session/IdentityMap.js"
import * as Table from "../src/Table.js"
import { BigDecimal, Option } from "effect"
const def = Table.definition(User)
const gen = new Function("proto", "toDecimal", "return function decodeRow(row) { const o = Object.create(proto); o.id = row.id; o.name = row.name; o.email = row.email; o.age = row.age; o.score = toDecimal(row.score, 2); return o }")(User.prototype, toDecimal) as (row: any) => unknown
let hoisted: ((row: any) => unknown) | undefined
const url = `sqlite:///${join(mkdtempSync(join(tmpdir(), "retort-gc-")), "p.db")}`
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url, { pool: { size: 10 } }))))
const md = MetaData.make(User)
await runtime.runPromise(Effect.gen(function*() { yield* md.dropAll; yield* md.createAll }))
await runtime.runPromise(Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => userInsert(i)))))
const ops = Array.from({ length: 2000 }, (_, i) => 1 + (i * 7919) % 10_000)
const variants: Record<string, (id: number) => Effect.Effect<unknown, unknown, any>> = {
  void: () => Effect.void,
  use: () => Session.use(() => Effect.void),
  execute: (id) => Engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id]),
  query: (id) => Query.execute(Query.select(User).where(User.c.id.eq(id))),
  useExec: (id) => Session.use(() => Engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id])),
  useExecSingle: (id) => Session.use((s) => s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true })),
  useRun: (id) => Session.use((s) => s.exists(Query.select(User).where(User.c.id.eq(id)))),
  useDecode: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => Option.some(rowDecoder(s.engine.dialect, User, def)(rows[0]!)))),
  useDecodeMerge: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => Option.some(new IdentityMap().merge(def, rowDecoder(s.engine.dialect, User, def)(rows[0]!))))),
  decode: (id) => Effect.flatMap(Engine.Engine, (e) => Effect.map(e.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => Option.some(rowDecoder(e.dialect, User, def)(rows[0]!)))),
  decodeNoNum: (id) => Effect.flatMap(Engine.Engine, (e) => Effect.map(e.execute("SELECT id, name, email, age FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => Option.some({ ...rows[0]! }))),
  useCopy: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => Option.some({ ...rows[0]! }))),
  useProto: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => Option.some(Object.assign(Object.create(User.prototype), rows[0]!)))),
  useBig: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => Option.some({ ...rows[0]!, score: BigDecimal.unsafeFromString(String(rows[0]!["score"])) }))),
  useHand: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => { const r = rows[0]! as any; const o = Object.create(User.prototype); o.id = r.id; o.name = r.name; o.email = r.email; o.age = r.age; o.score = toDecimal(r.score, 2); return Option.some(o) })),
  useHandNoDec: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => { const r = rows[0]! as any; const o = Object.create(User.prototype); o.id = r.id; o.name = r.name; o.email = r.email; o.age = r.age; o.score = r.score; return Option.some(o) })),
  useDecodeHoisted: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => Option.some((hoisted ??= rowDecoder(s.engine.dialect, User, def))(rows[0]!)))),
  useDecodeDrop: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => { (hoisted ??= rowDecoder(s.engine.dialect, User, def))(rows[0]!); return Option.some(rows[0]) })),
  useGenLocal: (id) => Session.use((s) => Effect.map(s.engine.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [id], { single: true, readOnly: true }), (rows) => Option.some(gen(rows[0]!)))),
  get: (id) => Session.use((s) => s.get(User, id)),
  getShared: (id) => Effect.flatMap(Session.Session, (s) => s.get(User, id))
}
const variant = process.argv[2] ?? "get"
const loop = Effect.forEach(ops, variants[variant]!, { discard: true })
let gcMs = 0
let majors = 0
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration
    if ((e as any).detail?.kind === 4 || (e as any).kind === 4) majors++
  }
}).observe({ entryTypes: ["gc"] })
const cpu: number[] = []
for (let r = 0; r < 40; r++) {
  const c = process.cpuUsage()
  await runtime.runPromise(loop)
  const u = process.cpuUsage(c)
  cpu.push((u.user + u.system) / 1000)
}
cpu.sort((a, b) => a - b)
await new Promise((r) => setTimeout(r, 50))
console.log(variant.padEnd(10), "cpu µs/op min", (cpu[0]! * 1000 / 2000).toFixed(2), "median", (cpu[20]! * 1000 / 2000).toFixed(2), " gc ms total", gcMs.toFixed(0), "major", majors)
await runtime.dispose()
