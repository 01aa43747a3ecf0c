/**
 * Per-layer CPU cost of the three hot workloads on a server dialect, in this process only
 * (process.cpuUsage, the fastest of `ROUNDS` runs: other processes on the machine change
 * wall-clock time much more than this process's CPU time). Raw driver and retort side by side.
 *   npx tsc -p tsconfig.bench.json && node .bench/bench/serverPath.js postgresql [select|get|insert]...
 *   node .bench/bench/serverPath.js mysql
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import mysql from "mysql2/promise"
import pg from "pg"
import { Engine, MetaData, Query, Session } from "../src/index.js"
import { User, userInsert, userRow } from "./model.js"

const dialect = process.argv[2] ?? "postgresql"
const parts = process.argv.slice(3)
const wants = (p: string) => parts.length === 0 || parts.includes(p)
const url = dialect === "postgresql"
  ? process.env["RETORT_POSTGRES_URL"] ?? "postgresql://postgres@127.0.0.1:5432/test"
  : process.env["RETORT_MYSQL_URL"] ?? "mysql://root@127.0.0.1:3306/test"
const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url, { pool: { size: 10 } }))))
const md = MetaData.make(User)
const ROWS = 10_000
const N = 2000
const ROUNDS = Number(process.env["ROUNDS"] ?? 15)
await runtime.runPromise(Effect.gen(function*() {
  yield* md.dropAll
  yield* md.createAll
}))
const seed = () => runtime.runPromise(Effect.gen(function*() {
  yield* Query.execute(Query.delete(User))
  yield* Query.execute(Query.insert(User).values(Array.from({ length: ROWS }, (_, i) => userInsert(i))))
}))

// WALL=1: wall-clock time instead, the median of the rounds (what the benchmark compares).
const wall = process.env["WALL"] === "1"
const cpu = async (f: () => Promise<unknown>, before?: () => Promise<unknown>) => {
  const xs: Array<number> = []
  for (let i = 0; i < ROUNDS; i++) {
    if (before) await before()
    const s = process.cpuUsage()
    const t = performance.now()
    await f()
    const u = process.cpuUsage(s)
    xs.push(wall ? performance.now() - t : (u.user + u.system) / 1000)
  }
  xs.sort((a, b) => a - b)
  if (wall) console.log(`  (wall min ${xs[0]!.toFixed(2)} ms)`)
  return wall ? xs[xs.length >> 1]! : xs[0]!
}
const line = (name: string, ms: number, per: number, raw?: number) =>
  console.log(`${name.padEnd(36)} ${ms.toFixed(2).padStart(8)} ms ${wall ? "wall" : "CPU "}  ${(ms * 1000 / per).toFixed(2).padStart(7)} µs/op${raw === undefined ? "" : `  ×${(ms / raw).toFixed(2)}`}`)

const columns = "id, name, email, age, score"
const values = (i: number) => {
  const r = userRow(i)
  return [r.id, r.name, r.email, r.age, r.score]
}
const ids = Array.from({ length: N }, (_, i) => 1 + (i * 7919) % ROWS)
const run = <A, E>(e: Effect.Effect<A, E, any>) => () => runtime.runPromise(e as Effect.Effect<A, E, never>)

let rawSelect: () => Promise<unknown>
let rawGet: () => Promise<unknown>
let rawInsert: () => Promise<unknown>
/** PostgreSQL: the same lookups through pg.Query objects, as retort's adapter sends them (no config copy). */
let rawGetQuery: (() => Promise<unknown>) | undefined
let close: () => Promise<void>
let selectSql: string
let getSql: string
if (dialect === "postgresql") {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  selectSql = `SELECT ${columns} FROM bench_users`
  getSql = `SELECT ${columns} FROM bench_users WHERE id = $1`
  rawSelect = async () => (await client.query({ name: "s_all", text: selectSql })).rows.length
  rawGet = async () => {
    for (const i of ids) await client.query({ name: "s_get", text: getSql, values: [i] })
  }
  rawGetQuery = async () => {
    for (const i of ids) {
      await new Promise((resolve, reject) => {
        const q = new pg.Query(getSql, [i], (err: Error | undefined, r: unknown) => (err ? reject(err) : resolve(r)))
        ;(q as { name?: string }).name = "s_get_q"
        client.query(q)
      })
    }
  }
  rawInsert = async () => {
    await client.query("BEGIN")
    for (let i = 0; i < N; i++) await client.query({ name: "s_ins", text: `INSERT INTO bench_users (${columns}) VALUES ($1, $2, $3, $4, $5)`, values: values(i) })
    await client.query("COMMIT")
  }
  close = () => client.end()
} else {
  const conn = await mysql.createConnection({ uri: url })
  selectSql = `SELECT ${columns} FROM bench_users`
  getSql = `SELECT ${columns} FROM bench_users WHERE id = ?`
  rawSelect = async () => ((await conn.execute(selectSql))[0] as Array<unknown>).length
  rawGet = async () => {
    for (const i of ids) await conn.execute(getSql, [i])
  }
  rawInsert = async () => {
    await conn.beginTransaction()
    for (let i = 0; i < N; i++) await conn.execute(`INSERT INTO bench_users (${columns}) VALUES (?, ?, ?, ?, ?)`, values(i))
    await conn.commit()
  }
  close = () => conn.end()
}

if (wants("select") || wants("get")) await seed()
if (wants("select")) {
  const raw = await cpu(rawSelect)
  line("select: raw driver", raw, ROWS)
  line("select: engine.execute", await cpu(run(Effect.flatMap(Engine.Engine, (e) => e.execute(selectSql, [])))), ROWS, raw)
  line("select: Query.execute(select(User))", await cpu(run(Query.execute(Query.select(User)))), ROWS, raw)
  line("select: session.query(User).all", await cpu(run(Session.use((s) => s.query(User).all))), ROWS, raw)
}
if (wants("get")) {
  const raw = await cpu(rawGet)
  line("get: raw driver", raw, N)
  if (rawGetQuery !== undefined) line("get: raw driver, pg.Query objects", await cpu(rawGetQuery), N, raw)
  line("get: engine.execute", await cpu(run(Effect.flatMap(Engine.Engine, (e) => Effect.forEach(ids, (i) => e.execute(getSql, [i]), { discard: true })))), N, raw)
  line("get: session.get, one session", await cpu(run(Session.use((s) => Effect.forEach(ids, (i) => s.get(User, i), { discard: true })))), N, raw)
  line("get: session.get, Session.use each", await cpu(run(Effect.forEach(ids, (i) => Session.use((s) => s.get(User, i)), { discard: true }))), N, raw)
}
if (wants("insert")) {
  const reset = () => runtime.runPromise(Query.execute(Query.delete(User)))
  const raw = await cpu(rawInsert, reset)
  line("insert: raw driver in tx", raw, N)
  line("insert: engine.execute in tx", await cpu(run(Effect.flatMap(Engine.Engine, (e) =>
    e.transaction(Effect.forEach(Array.from({ length: N }, (_, i) => i), (i) => e.execute(`INSERT INTO bench_users (${columns}) VALUES (${dialect === "postgresql" ? "$1, $2, $3, $4, $5" : "?, ?, ?, ?, ?"})`, values(i)), { discard: true })))), reset), N, raw)
  line("insert: session.insert in tx", await cpu(run(Session.use((s) => s.transaction(Effect.forEach(Array.from({ length: N }, (_, i) => i), (i) => s.insert(User, userInsert(i)), { discard: true })))), reset), N, raw)
}
await close()
await runtime.runPromise(md.dropAll)
await runtime.dispose()
