/**
 * Writes examples/migrations/migrations/ by autogenerate, as `retort revision
 * --autogenerate` would: for each revision, on a scratch SQLite database at the previous
 * revision, `Migrator.diff(models)` and `Migrator.render(...)`. The output is committed;
 * run this again after changing a models file.
 *
 *   npx tsx examples/migrations/generate.ts
 */
import { Console, Effect } from "effect"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Engine, Migrator } from "retort-orm"
import { revisions } from "./revisions.js"

const folder = join(import.meta.dirname, "migrations")
const scratch = mkdtempSync(join(tmpdir(), "retort-generate-"))

const program = Effect.gen(function*() {
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder)
  for (const revision of revisions) {
    // The database is at the previous revision: apply what is written so far.
    yield* Migrator.up().pipe(Effect.provide(Migrator.layer(Migrator.fromFolder(folder))))
    const operations = yield* Migrator.diff(revision.metadata)
    const source = Migrator.render(operations, { id: revision.id, message: revision.message })
    writeFileSync(join(folder, `${revision.id}.ts`), source)
    const notes = operations.filter((o) => o.note !== undefined).length
    yield* Console.log(`${revision.id}: ${operations.length} operations${notes > 0 ? `, ${notes} with a note to review` : ""}`)
  }
  yield* Console.log(`Wrote ${readdirSync(folder).join(", ")}`)
})

program.pipe(
  Effect.provide(Engine.layer(`sqlite:///${join(scratch, "generate.db")}`)),
  Effect.ensuring(Effect.sync(() => rmSync(scratch, { recursive: true, force: true }))),
  Effect.runPromise
).catch((e) => {
  console.error(e)
  process.exitCode = 1
})
