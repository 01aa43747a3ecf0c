/**
 * Workload b (10,000 rows) layer by layer on file-backed SQLite: wall ms, median of 15 runs
 * each, the raw driver in the same process. Where the per-row cost of a bulk insert goes:
 *   npx tsc -p tsconfig.bench.json && node .bench/bench/bulkPath.js
 */
import Database from "better-sqlite3"
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert, userRow } from "./model.js"

const file = join(mkdtempSync(join(tmpdir(), "retort-bulk-")), "p.db")
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(`sqlite:///${file}`))))
const md = MetaData.make(User)
await runtime.runPromise(Effect.gen(function*() { yield* md.dropAll; yield* md.createAll }))
const ROWS = 10_000
const db = new Database(file)
db.pragma("journal_mode = WAL")
const columns = ["id", "name", "email", "age", "score"]
const chunk = Math.floor(32766 / columns.length)
const bulk = (n: number) => db.prepare(`INSERT INTO bench_users (${columns.join(", ")}) VALUES ${Array(n).fill("(?, ?, ?, ?, ?)").join(", ")}`)

const reset = () => runtime.runPromise(Query.execute(Query.delete(User)))
const results: Array<[string, number]> = []
// `node .bench/bench/bulkPath.js <n>` runs only step n (1-based), 200 times: for --cpu-prof.
const only = process.argv[2] === undefined ? undefined : Number(process.argv[2])
let step = 0
const time = async (name: string, run: () => Promise<unknown>) => {
  step++
  if (only !== undefined && only !== step) return
  const xs: Array<number> = []
  for (let i = 0; i < (only === undefined ? 16 : 200); i++) {
    await reset()
    const t = process.hrtime.bigint()
    await run()
    if (i > 0) xs.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  xs.sort((a, b) => a - b)
  results.push([name, xs[xs.length >> 1]!])
}
const inserts = () => Array.from({ length: ROWS }, (_, i) => userInsert(i))

await time("raw driver", async () =>
  db.transaction(() => {
    for (let i = 0; i < ROWS; i += chunk) {
      const n = Math.min(chunk, ROWS - i)
      bulk(n).run(...Array.from({ length: n }, (_, j) => Object.values(userRow(i + j))).flat())
    }
  })())
await time("rows only (userInsert × 10,000)", async () => inserts())
await time("Query.insert(User).values(rows)", () => runtime.runPromise(Query.execute(Query.insert(User).values(inserts()))))
await time("… .returning(User)", () => runtime.runPromise(Query.execute(Query.insert(User).values(inserts()).returning(User))))
// Rolled back at the end: the session's warning about unflushed changes is silenced here.
await time("session.addAll (no commit)", () => runtime.runPromise(Session.use((s) => s.addAll(User, inserts())).pipe(Logger.withMinimumLogLevel(LogLevel.Error))))
await time("session.addAll + commit", () => runtime.runPromise(Session.use((s) => Effect.zipRight(s.addAll(User, inserts()), s.commit))))
const raw = results[0]?.[1] ?? 1
for (const [name, ms] of results) console.log(`${name.padEnd(36)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / raw).toFixed(2)}×`)
db.close()
await runtime.dispose()
