/**
 * The row decoder alone, on rows a server driver returned (no I/O in the timed part): CPU µs
 * per row of `rowDecoder` for the bench model, the fastest of 200 passes over 10,000 rows.
 *   npx tsc -p tsconfig.bench.json && node .bench/bench/decodePath.js [url]
 */
import { Effect, ManagedRuntime } from "effect"
import { Engine, MetaData, Query, Table } from "../src/index.js"
import { rowDecoder } from "../src/internal/rows.js"
import { User, userInsert } from "./model.js"

const url = process.argv[2] ?? "postgresql://postgres@127.0.0.1:5432/test"
const runtime = ManagedRuntime.make(Engine.layer(url))
const md = MetaData.make(User)
const rows = await runtime.runPromise(Effect.gen(function*() {
  yield* md.dropAll
  yield* md.createAll
  yield* Query.execute(Query.insert(User).values(Array.from({ length: 10_000 }, (_, i) => userInsert(i))))
  const engine = yield* Engine.Engine
  const found = yield* engine.execute("SELECT id, name, email, age, score FROM bench_users", [])
  yield* md.dropAll
  return { found, dialect: engine.dialect }
}))
const decode = rowDecoder(rows.dialect, User, Table.definition(User))
const t = (name: string, f: () => unknown) => {
  const xs: Array<number> = []
  for (let r = 0; r < 200; r++) {
    const s = process.cpuUsage()
    f()
    const u = process.cpuUsage(s)
    xs.push(u.user + u.system)
  }
  xs.sort((a, b) => a - b)
  console.log(`${name.padEnd(30)} ${(xs[0]! / rows.found.length).toFixed(3)} µs/row (median ${(xs[100]! / rows.found.length).toFixed(3)})`)
}
t("copy rows (map spread)", () => rows.found.map((r) => ({ ...r })))
t("rowDecoder", () => rows.found.map(decode))
await runtime.dispose()
// Variants, to see where the decoder's time goes.
import { BigDecimal } from "effect"
const proto = User.prototype
t("instance, no value decode", () => rows.found.map((r) => {
  const o = Object.create(proto)
  o.id = r["id"]; o.name = r["name"]; o.email = r["email"]; o.age = r["age"]; o.score = r["score"]
  return o
}))
t("BigDecimal.fromString+scale", () => rows.found.map((r) => BigDecimal.scale(BigDecimal.unsafeFromString(r["score"] as string), 2)))
t("BigDecimal.make(BigInt)", () => rows.found.map((r) => { const s = r["score"] as string; const dot = s.indexOf("."); return BigDecimal.make(BigInt(s.slice(0, dot) + s.slice(dot + 1)), 2) }))
{
  const def = Table.definition(User)
  const { decodeValue } = await import("../src/internal/rows.js")
  const cols = def.columns
  const body = `return function decode(row) { const o = Object.create(proto); ${cols.map((c, i) => `o[${JSON.stringify(c.key)}] = dec(dialect, def, cols[${i}], row[${JSON.stringify(c.name)}]);`).join(" ")} return o }`
  const gen = new Function("proto", "dec", "dialect", "def", "cols", body)(proto, decodeValue, rows.dialect, def, cols)
  t("generated, decodeValue", () => rows.found.map(gen))
  const fast = (s: string) => { const dot = s.indexOf("."); return BigDecimal.make(BigInt(s.slice(0, dot) + s.slice(dot + 1)), 2) }
  const body2 = `return function decode(row) { const o = Object.create(proto); o.id = row.id; o.name = row.name; o.email = row.email; o.age = row.age; o.score = fast(row.score); return o }`
  const gen2 = new Function("proto", "fast", body2)(proto, fast)
  t("generated, ideal", () => rows.found.map(gen2))
  const loop = (row: any) => { const o = Object.create(proto); for (let i = 0; i < cols.length; i++) o[cols[i]!.key] = decodeValue(rows.dialect, def, cols[i]!, row[cols[i]!.name]); return o }
  t("loop, decodeValue", () => rows.found.map(loop))
}
