/**
 * retort against the raw drivers, workload by workload, in the same run.
 *
 *   npm run bench                 all databases that answer (compiled with tsc into .bench/ first)
 *   npm run bench -- sqlite       only some: sqlite, postgresql, mysql
 *   npm run bench -- --repeat=3   three full runs; RESULTS.md adds each run's ratio and their median
 *   npm run bench -- --only=c,d   only some workloads (by letter); RESULTS.md is not written
 *   npm run bench -- --runs=9     runs per workload (default 5)
 *   npm run bench -- --warmup=1   warm-up runs of each side before those (default 5, at least 1)
 *
 * Each workload runs through retort and through the raw driver used the fastest correct
 * way (better-sqlite3 with cached prepared statements, pg with named prepared statements,
 * mysql2 `execute`), alternating, after a warm-up of each side (the steady state a running
 * application sees: V8 optimizes retort's code over the first few runs, the raw driver's
 * loop is mostly native code and optimized at once). Reports median, min and max, and the
 * ratio of the medians, and writes bench/RESULTS.md. Not run in CI; nothing asserts a time.
 */
import Database from "better-sqlite3"
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import mysql from "mysql2/promise"
import pg from "pg"
import { Column, Engine, Fn, MetaData, Query, Relation, Session, Table } from "../src/index.js"
import { User, userInsert, userRow } from "./model.js"

// --- models ------------------------------------------------------------------------------

class Parent extends Table.Class<Parent>("Parent")("bench_parents", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 })
}) {}

class Child extends Table.Class<Child>("Child")("bench_children", {
  id: Column.integer({ primaryKey: true }),
  parentId: Column.integer({ name: "parent_id", index: true, references: () => Parent.c.id }),
  name: Column.string({ length: 50 })
}) {}

const ParentChildren = Relation.oneToMany(Parent, Child, { foreignKey: Child.c.parentId })
const metadata = MetaData.make(User, Parent, Child)

const ROWS = 10_000
const OPS = 2_000
const PARENTS = 1_000
const RUNS = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice("--runs=".length) ?? "5") || 5
// At least one: `--warmup=0` means one, not the default.
const warmupArg = Number(process.argv.find((a) => a.startsWith("--warmup="))?.slice("--warmup=".length) ?? "5")
const WARMUP = Number.isFinite(warmupArg) ? Math.max(1, Math.floor(warmupArg)) : 5
// `--only=c,d`: a partial run is for iterating on one workload; it never writes RESULTS.md.
const ONLY = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",")
const wanted = (workload: string) => ONLY === undefined || ONLY.includes(workload[0]!)

// --- raw drivers ---------------------------------------------------------------------------

interface Raw {
  readonly reset: () => Promise<void>
  readonly seedUsers: () => Promise<void>
  readonly insertEach: () => Promise<void>
  readonly bulkInsert: () => Promise<void>
  readonly selectAll: () => Promise<number>
  readonly lookups: (concurrency: number) => Promise<void>
  readonly eager: () => Promise<number>
  /** Runs statement number `index` of the reporting mix (the SQL retort compiled for this dialect). */
  readonly report: (index: number, sql: string, params: ReadonlyArray<unknown>) => Promise<void>
  readonly close: () => Promise<void>
}

const columns = ["id", "name", "email", "age", "score"]
const values = (i: number) => {
  const r = userRow(i)
  return [r.id, r.name, r.email, r.age, r.score]
}

const rawSqlite = (file: string): Raw => {
  const db = new Database(file)
  db.pragma("journal_mode = WAL")
  const insert = db.prepare(`INSERT INTO bench_users (${columns.join(", ")}) VALUES (?, ?, ?, ?, ?)`)
  const all = db.prepare("SELECT id, name, email, age, score FROM bench_users")
  const get = db.prepare("SELECT id, name, email, age, score FROM bench_users WHERE id = ?")
  const parents = db.prepare("SELECT id, name FROM bench_parents")
  const bulk = (n: number) => db.prepare(`INSERT INTO bench_users (${columns.join(", ")}) VALUES ${Array(n).fill("(?, ?, ?, ?, ?)").join(", ")}`)
  const chunk = Math.floor(32766 / columns.length)
  const reports = new Map<string, Database.Statement>()
  return {
    reset: async () => void db.prepare("DELETE FROM bench_users").run(),
    seedUsers: async () => db.transaction(() => { for (let i = 0; i < ROWS; i++) insert.run(...values(i)) })(),
    insertEach: async () => db.transaction(() => { for (let i = 0; i < OPS; i++) insert.run(...values(i)) })(),
    bulkInsert: async () =>
      db.transaction(() => {
        for (let i = 0; i < ROWS; i += chunk) {
          const n = Math.min(chunk, ROWS - i)
          bulk(n).run(...Array.from({ length: n }, (_, j) => values(i + j)).flat())
        }
      })(),
    selectAll: async () => (all.all() as Array<Record<string, unknown>>).map((r) => ({ ...r })).length,
    lookups: async () => { for (let i = 0; i < OPS; i++) get.get(1 + (i * 7919) % ROWS) },
    eager: async () => {
      const ps = parents.all() as Array<{ id: number }>
      const ids = ps.map((p) => p.id)
      const children = db.prepare(`SELECT id, parent_id, name FROM bench_children WHERE parent_id IN (${ids.map(() => "?").join(", ")})`).all(...ids) as Array<{ parent_id: number }>
      const byParent = new Map<number, Array<unknown>>()
      for (const c of children) byParent.set(c.parent_id, [...(byParent.get(c.parent_id) ?? []), c])
      return ps.map((p) => ({ ...p, children: byParent.get(p.id) ?? [] })).length
    },
    report: async (_index, sql, params) => {
      let stmt = reports.get(sql)
      if (stmt === undefined) reports.set(sql, stmt = db.prepare(sql))
      stmt.all(...params)
    },
    close: async () => void db.close()
  }
}

const rawPostgres = async (url: string): Promise<Raw> => {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  const client = await pool.connect()
  const insertText = `INSERT INTO bench_users (${columns.join(", ")}) VALUES ($1, $2, $3, $4, $5)`
  const chunk = Math.floor(65535 / columns.length)
  return {
    reset: async () => void await client.query("DELETE FROM bench_users"),
    seedUsers: async () => {
      await client.query("BEGIN")
      for (let i = 0; i < ROWS; i++) await client.query({ name: "bench_insert", text: insertText, values: values(i) })
      await client.query("COMMIT")
    },
    insertEach: async () => {
      await client.query("BEGIN")
      for (let i = 0; i < OPS; i++) await client.query({ name: "bench_insert", text: insertText, values: values(i) })
      await client.query("COMMIT")
    },
    bulkInsert: async () => {
      await client.query("BEGIN")
      for (let i = 0; i < ROWS; i += chunk) {
        const n = Math.min(chunk, ROWS - i)
        const tuples = Array.from({ length: n }, (_, j) => `(${columns.map((_, k) => `$${j * 5 + k + 1}`).join(", ")})`)
        await client.query(`INSERT INTO bench_users (${columns.join(", ")}) VALUES ${tuples.join(", ")}`, Array.from({ length: n }, (_, j) => values(i + j)).flat())
      }
      await client.query("COMMIT")
    },
    selectAll: async () => (await client.query({ name: "bench_all", text: "SELECT id, name, email, age, score FROM bench_users" })).rows.length,
    lookups: async (concurrency) => {
      let next = 0
      const worker = async () => {
        const c = concurrency === 1 ? client : await pool.connect()
        try {
          while (next < OPS) {
            const i = next++
            await c.query({ name: "bench_get", text: "SELECT id, name, email, age, score FROM bench_users WHERE id = $1", values: [1 + (i * 7919) % ROWS] })
          }
        } finally {
          if (c !== client) (c as pg.PoolClient).release()
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
    },
    eager: async () => {
      const ps = (await client.query({ name: "bench_parents", text: "SELECT id, name FROM bench_parents" })).rows as Array<{ id: number }>
      const children = (await client.query("SELECT id, parent_id, name FROM bench_children WHERE parent_id = ANY($1)", [ps.map((p) => p.id)])).rows as Array<{ parent_id: number }>
      const byParent = new Map<number, Array<unknown>>()
      for (const c of children) byParent.set(c.parent_id, [...(byParent.get(c.parent_id) ?? []), c])
      return ps.map((p) => ({ ...p, children: byParent.get(p.id) ?? [] })).length
    },
    report: async (index, sql, params) => void await client.query({ name: `bench_report_${index}`, text: sql, values: [...params] }),
    close: async () => {
      client.release()
      await pool.end()
    }
  }
}

const rawMysql = async (url: string): Promise<Raw> => {
  const pool = mysql.createPool({ uri: url, connectionLimit: 10 })
  const conn = await pool.getConnection()
  const insertText = `INSERT INTO bench_users (${columns.join(", ")}) VALUES (?, ?, ?, ?, ?)`
  const chunk = Math.floor(65535 / columns.length)
  return {
    reset: async () => void await conn.query("DELETE FROM bench_users"),
    seedUsers: async () => {
      await conn.beginTransaction()
      for (let i = 0; i < ROWS; i++) await conn.execute(insertText, values(i))
      await conn.commit()
    },
    insertEach: async () => {
      await conn.beginTransaction()
      for (let i = 0; i < OPS; i++) await conn.execute(insertText, values(i))
      await conn.commit()
    },
    bulkInsert: async () => {
      await conn.beginTransaction()
      for (let i = 0; i < ROWS; i += chunk) {
        const n = Math.min(chunk, ROWS - i)
        await conn.query(`INSERT INTO bench_users (${columns.join(", ")}) VALUES ${Array(n).fill("(?, ?, ?, ?, ?)").join(", ")}`, Array.from({ length: n }, (_, j) => values(i + j)).flat())
      }
      await conn.commit()
    },
    selectAll: async () => ((await conn.execute("SELECT id, name, email, age, score FROM bench_users"))[0] as Array<unknown>).length,
    lookups: async (concurrency) => {
      let next = 0
      const worker = async () => {
        const c = concurrency === 1 ? conn : await pool.getConnection()
        try {
          while (next < OPS) {
            const i = next++
            await c.execute("SELECT id, name, email, age, score FROM bench_users WHERE id = ?", [1 + (i * 7919) % ROWS])
          }
        } finally {
          if (c !== conn) (c as mysql.PoolConnection).release()
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
    },
    eager: async () => {
      const [ps] = await conn.execute("SELECT id, name FROM bench_parents") as [Array<{ id: number }>, unknown]
      const ids = ps.map((p) => p.id)
      const [children] = await conn.query(`SELECT id, parent_id, name FROM bench_children WHERE parent_id IN (${ids.map(() => "?").join(", ")})`, ids) as [Array<{ parent_id: number }>, unknown]
      const byParent = new Map<number, Array<unknown>>()
      for (const c of children) byParent.set(c.parent_id, [...(byParent.get(c.parent_id) ?? []), c])
      return ps.map((p) => ({ ...p, children: byParent.get(p.id) ?? [] })).length
    },
    report: async (_index, sql, params) => void await conn.execute(sql, [...params] as Array<any>),
    close: async () => {
      conn.release()
      await pool.end()
    }
  }
}

// --- retort workloads ------------------------------------------------------------------------

// A fresh session per unit of work, as an application makes one per request. `Session.use`
// rather than `Effect.scoped(Session.make)`: the same semantics without a Scope, whose
// making and closing alone costs about as much as a SQLite point lookup.
const inSession = <A, E>(effect: (s: Session.Session) => Effect.Effect<A, E, Engine.Engine>) => Session.use(effect)

const retort = {
  reset: Query.execute(Query.delete(User)),
  insertEach: inSession((s) =>
    s.transaction(Effect.forEach(Array.from({ length: OPS }, (_, i) => i), (i) => s.insert(User, userInsert(i)), { discard: true }))
  ),
  bulkInsert: inSession((s) => Effect.zipRight(s.addAll(User, Array.from({ length: ROWS }, (_, i) => userInsert(i))), s.commit)),
  selectAll: inSession((s) => Effect.map(s.query(User).all, (rows) => rows.length)),
  lookups: (concurrency: number) =>
    Effect.forEach(
      Array.from({ length: OPS }, (_, i) => i),
      (i) => inSession((s) => s.get(User, 1 + (i * 7919) % ROWS)),
      { concurrency, discard: true }
    ),
  eager: inSession((s) => Effect.map(s.query(Parent).with({ children: ParentChildren }).all, (rows) => rows.length))
}

// --- harness -----------------------------------------------------------------------------------

interface Result {
  readonly workload: string
  readonly retort: ReadonlyArray<number>
  readonly raw: ReadonlyArray<number>
}

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

const time = async (f: () => Promise<unknown>) => {
  const start = process.hrtime.bigint()
  await f()
  return Number(process.hrtime.bigint() - start) / 1e6
}

const measure = async (
  workload: string,
  retortRun: () => Promise<unknown>,
  rawRun: () => Promise<unknown>,
  before: () => Promise<void> = async () => {}
): Promise<Result | undefined> => {
  if (!wanted(workload)) return undefined
  for (let i = 0; i < WARMUP; i++) {
    await before()
    await retortRun()
    await before()
    await rawRun()
  }
  const r: Array<number> = []
  const w: Array<number> = []
  for (let i = 0; i < RUNS; i++) {
    await before()
    r.push(await time(retortRun))
    await before()
    w.push(await time(rawRun))
  }
  const result = { workload, retort: r, raw: w }
  console.log(`  ${workload.padEnd(34)} retort ${median(r).toFixed(1).padStart(8)} ms   raw ${median(w).toFixed(1).padStart(8)} ms   ratio ${(median(r) / median(w)).toFixed(2)}`)
  return result
}

const reportQueries = (dialect: "sqlite" | "postgresql" | "mysql") => {
  const q1 = Query.select({ age: User.c.age, n: Fn.count(), total: Fn.sum(User.c.score) }).from(User).groupBy(User.c.age).orderBy(User.c.age)
  const q2 = Query.select(User).where(User.c.name.like("user 1%"), User.c.age.between(25, 40)).orderBy(User.c.id).limit(100)
  const q3 = Query.select({ n: Fn.count() }).from(User).where(User.c.age.gt(Query.select({ a: Fn.avg(User.c.age) }).from(User).scalar()))
  return { queries: [q1, q2, q3] as const, sql: [q1, q2, q3].map((q) => q.toSql(dialect)) }
}

const target = async (name: "sqlite" | "postgresql" | "mysql", url: string): Promise<ReadonlyArray<Result> | string> => {
  const layer = Session.layer.pipe(Layer.provideMerge(Engine.layer(url, { pool: { size: 10 } })))
  const runtime = ManagedRuntime.make(layer)
  const run = <A, E>(effect: Effect.Effect<A, E, Engine.Engine | Session.Session>) => () => runtime.runPromise(effect)
  try {
    await run(Effect.zipRight(metadata.dropAll, metadata.createAll))()
  } catch (e) {
    await runtime.dispose()
    return `unreachable (${e instanceof Error ? e.message : String(e)})`
  }
  const raw = name === "sqlite" ? rawSqlite(url.replace("sqlite:///", "")) : name === "postgresql" ? await rawPostgres(url) : await rawMysql(url)
  const results: Array<Result> = []
  const push = (r: Result | undefined) => void (r !== undefined && results.push(r))
  const resetUsers = async () => {
    await raw.reset()
  }
  const seeded = async () => {
    await raw.reset()
    await raw.seedUsers()
  }
  push(await measure("a. row inserts (2,000 in one tx)", run(retort.insertEach), raw.insertEach, resetUsers))
  push(await measure("b. bulk insert (10,000 rows)", run(retort.bulkInsert), raw.bulkInsert, resetUsers))
  await seeded()
  push(await measure("c. select 10,000 + hydrate", run(retort.selectAll), raw.selectAll))
  push(await measure("d. point lookups (2,000)", run(retort.lookups(1)), () => raw.lookups(1)))
  if (name !== "sqlite") push(await measure("e. lookups, concurrency 10", run(retort.lookups(10)), () => raw.lookups(10)))
  const { queries, sql } = reportQueries(name)
  // The raw side runs the very SQL retort compiled, through the driver.
  const rawExec = async () => {
    for (const [i, s] of sql.entries()) await raw.report(i, s.sql, s.params)
  }
  push(await measure("f. reporting queries (3)", run(Effect.forEach(queries, (q) => Query.execute(q as never), { discard: true })), rawExec))
  await run(Effect.gen(function*() {
    yield* Query.execute(Query.insert(Parent).values(Array.from({ length: PARENTS }, (_, i) => ({ id: i + 1, name: `parent ${i}` }))))
    yield* Query.execute(Query.insert(Child).values(Array.from({ length: PARENTS * 5 }, (_, i) => ({ id: i + 1, parentId: 1 + (i % PARENTS), name: `child ${i}` }))))
  }))()
  push(await measure("g. eager one-to-many, 1,000 parents", run(retort.eager), raw.eager))
  await raw.close()
  await run(metadata.dropAll)()
  await runtime.dispose()
  return results
}

const main = async () => {
  const only = process.argv.slice(2).filter((a) => !a.startsWith("-"))
  const dir = mkdtempSync(join(os.tmpdir(), "retort-bench-"))
  const targets: ReadonlyArray<readonly ["sqlite" | "postgresql" | "mysql", string, string]> = [
    ["sqlite", `sqlite:///${join(dir, "bench.db")}`, "SQLite (WAL file)"],
    ["postgresql", process.env["RETORT_POSTGRES_URL"] ?? "postgresql://postgres@127.0.0.1:5432/test", "PostgreSQL"],
    ["mysql", process.env["RETORT_MYSQL_URL"] ?? "mysql://root@127.0.0.1:3306/test", "MariaDB"]
  ]
  const unknown = only.filter((name) => !targets.some(([t]) => t === name))
  if (unknown.length > 0) {
    console.error(`unknown database ${unknown.join(", ")}: expected ${targets.map(([t]) => t).join(", ")}`)
    process.exitCode = 2
    return
  }
  const sections: Array<string> = []
  // `--repeat N` runs the whole set N times (the issue's "median of three full runs"): each
  // database's table is the last run's, followed by the ratio of every run and their median.
  const repeatArg = process.argv.find((a) => a.startsWith("--repeat="))
  const repeat = Math.max(1, Number(repeatArg?.slice("--repeat=".length) ?? "1") || 1)
  const runs = new Map<string, Array<ReadonlyArray<Result>>>()
  for (let r = 0; r < repeat; r++) {
    for (const [name, url, label] of targets) {
      if (only.length > 0 && !only.includes(name)) continue
      console.log(`${label}${repeat > 1 ? ` (run ${r + 1} of ${repeat})` : ""}`)
      const results = await target(name, url)
      if (typeof results !== "string") runs.set(label, [...(runs.get(label) ?? []), results])
      else if (r === repeat - 1 && !runs.has(label)) runs.set(label, [])
      if (typeof results === "string") console.log(`  skipped: ${results}`)
    }
  }
  for (const [, , label] of targets) {
    const all = runs.get(label)
    if (all === undefined) continue
    if (all.length === 0) {
      sections.push(`### ${label}\n\nSkipped: unreachable\n`)
      continue
    }
    const results = all[all.length - 1]!
    const ratioOf = (x: Result) => median(x.retort) / median(x.raw)
    const perRun = all.length > 1
      ? [
        "",
        `Ratio in each of the ${all.length} full runs, and their median:`,
        "",
        `| workload | ${all.map((_, i) => `run ${i + 1}`).join(" | ")} | median |`,
        `|---|${all.map(() => "---").join("|")}|---|`,
        ...results.map((x, w) => {
          const ratios = all.map((run) => ratioOf(run[w]!))
          return `| ${x.workload} | ${ratios.map((v) => v.toFixed(2)).join(" | ")} | ${median(ratios).toFixed(2)} |`
        }),
        ""
      ]
      : []
    sections.push([
      `### ${label}`,
      "",
      "| workload | retort median (min–max) ms | raw median (min–max) ms | ratio |",
      "|---|---|---|---|",
      ...results.map((r) =>
        `| ${r.workload} | ${median(r.retort).toFixed(1)} (${Math.min(...r.retort).toFixed(1)}–${Math.max(...r.retort).toFixed(1)}) | ${median(r.raw).toFixed(1)} (${Math.min(...r.raw).toFixed(1)}–${Math.max(...r.raw).toFixed(1)}) | ${(median(r.retort) / median(r.raw)).toFixed(2)} |`
      ),
      ...perRun,
      ""
    ].join("\n"))
  }
  rmSync(dir, { recursive: true, force: true })
  // Run from the repository root (npm run bench), compiled into .bench/ so that no dev transpiler is measured.
  const pkg = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8")) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }
  const version = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(process.cwd(), "node_modules", name, "package.json"), "utf8")) as { version: string }).version
    } catch {
      return "?"
    }
  }
  const markdown = [
    "# Benchmark results",
    "",
    `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
    "",
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; Node ${process.version}.`,
    `Versions: effect ${version("effect")}, @effect/sql ${version("@effect/sql")}, better-sqlite3 ${version("better-sqlite3")}, pg ${version("pg")}, mysql2 ${version("mysql2")}; retort dependencies ${Object.keys(pkg.dependencies ?? {}).length} (peers ${Object.keys(pkg.peerDependencies ?? {}).length}).`,
    "",
    `Each workload: ${WARMUP} warm-up runs of each side, then ${RUNS} runs alternating retort and the raw driver. Ratio = retort median / raw median (lower is better; 1.00 is the driver's speed).`,
    "Raw drivers: better-sqlite3 with cached prepared statements, pg with named prepared statements, mysql2 `execute`.",
    "",
    ...sections
  ].join("\n")
  if (ONLY !== undefined) return
  writeFileSync(join(process.cwd(), "bench", "RESULTS.md"), markdown)
  console.log("wrote bench/RESULTS.md")
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
