/**
 * The blog's schema through its three revisions on an embedded SQLite file: upgraded one
 * revision at a time (each checked against its models: a new diff is empty), then
 * downgraded step by step back to an empty database. The migrations were written by
 * autogenerate (generate.ts) and are loaded from migrations/ as `retort migrate` does.
 *
 *   npm run example:migrations
 */
import { Console, Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, Inspect, Migrator } from "retort-orm"
import { revisions } from "./revisions.js"

const dir = mkdtempSync(join(tmpdir(), "retort-migrations-"))

const tables = Effect.map(
  Inspect.tablesWith({ exclude: ["retort_migrations"] }),
  (schema) => schema.tables.map((t) => `${t.name}(${t.columns.map((c) => c.name).join(", ")})`).join(" ") || "(none)"
)

const status = Effect.gen(function*() {
  for (const entry of yield* Migrator.status) yield* Console.log(`  ${entry.id.padEnd(26)} ${entry.state}`)
})

const program = Effect.gen(function*() {
  // Load the folder once: every run below uses these modules (and their checksums).
  const migrations = yield* Migrator.fromFolder(join(import.meta.dirname, "migrations")).load
  yield* Console.log(`Loaded ${migrations.length} migrations; status:`)
  const run = Effect.provide(Migrator.layer({ load: Effect.succeed(migrations) }))
  yield* run(status)

  for (const revision of revisions) {
    const [ran] = yield* run(Migrator.up(revision.id))
    const pending = yield* Migrator.diff(revision.metadata)
    yield* Console.log(`up   ${ran!.id} (${ran!.millis} ms): ${pending.length === 0 ? "matches its models" : `${pending.length} differences!`}`)
    yield* Console.log(`     ${yield* tables}`)
  }
  yield* run(status)

  const back = yield* run(Migrator.down({ steps: 1 }))
  yield* Console.log(`down ${back.map((r) => r.id).join(", ")}: ${(yield* Migrator.diff(revisions[1]!.metadata)).length === 0 ? "back at revision 2" : "differs!"}`)
  yield* Console.log(`     ${yield* tables}`)
  const toFirst = yield* run(Migrator.down({ to: revisions[0]!.id }))
  yield* Console.log(`down ${toFirst.map((r) => r.id).join(", ")}: ${(yield* Migrator.diff(revisions[0]!.metadata)).length === 0 ? "back at revision 1" : "differs!"}`)
  yield* Console.log(`     ${yield* tables}`)
  const all = yield* run(Migrator.down({ steps: 1 }))
  yield* Console.log(`down ${all.map((r) => r.id).join(", ")}: ${yield* tables}`)
  yield* run(status)
})

program.pipe(
  Effect.provide(Engine.layer(`sqlite:///${join(dir, "blog.db")}`)),
  Effect.ensuring(Effect.sync(() => rmSync(dir, { recursive: true, force: true }))),
  Effect.runPromise
).catch((e) => {
  console.error(e)
  process.exitCode = 1
})
