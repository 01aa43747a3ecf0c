/**
 * Autogenerate on a real database, through a sequence of model changes (every kind
 * `Migrator.diff` detects): for each step, diff → render → the module written to a
 * migrations folder and loaded by `Migrator.fromFolder` → up → the reflection equals the
 * new models → a second diff is empty → down → the reflection equals the old models → up
 * again. The rendered modules type-check. On PostgreSQL an added enum value cannot be
 * dropped: that step's down refuses with "Irreversible" before changing anything.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import * as Inspect from "../../src/Inspect.js"
import * as Migrator from "../../src/Migrator.js"
import type * as Migration from "../../src/Migration.js"
import type { Operation } from "../../src/Migration.js"
import { initial, models, steps } from "../fixtures/autogenerate-models.js"
import type { Suite } from "../harness/targets.js"
import { typeCheck } from "../harness/typeCheck.js"

const root = resolve(import.meta.dirname, "../..")

/** The operation each step must produce (besides others it may need). */
const expectedKind: Readonly<Record<string, Operation["_tag"]>> = {
  "add a table": "CreateTable",
  "add columns": "AddColumn",
  "change a column's type": "AlterColumn",
  "change a column's nullability": "AlterColumn",
  "add a server default": "AlterColumn",
  "add an index": "CreateIndex",
  "add a unique constraint": "AddUnique",
  "add a check constraint": "AddCheck",
  "add a foreign key": "AddForeignKey",
  "rename a column": "RenameColumn",
  "rename a table": "RenameTable",
  "change a primary key": "CreateTable",
  "drop an index, a unique, a check and a default": "DropIndex",
  "drop a foreign key": "DropForeignKey",
  "drop columns": "DropColumn",
  "drop tables": "DropTable"
}

/**
 * A schema without primary-key constraint names: no operation renames one, so a renamed
 * table keeps its old `<table>_pkey` (PostgreSQL, SQLite), and `diff` ignores them.
 */
const withoutKeyNames = (schema: Inspect.Schema): Inspect.Schema => ({
  ...schema,
  tables: schema.tables.map((t) => ({ ...t, primaryKey: t.primaryKey && { ...t.primaryKey, name: undefined } }))
})

const reflect = Effect.map(Inspect.tablesWith({ exclude: ["retort_migrations"] }), withoutKeyNames)

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Autogenerate", (it) => {
    it.effect("diff → render → up → reflect → diff → down → reflect → up, for every kind of change", () =>
      Effect.gen(function*() {
        const folder = mkdtempSync(join(root, ".autogenerate-"))
        const written: Array<string> = []
        // Each step's module is loaded once by fromFolder (from a folder of its own: a load
        // costs seconds, as tsImport evaluates retort and effect afresh for every module), and
        // the migrator runs on all the loaded ones, their file sources (checksums) included.
        const loaded: Array<Migration.Migration> = []
        const migrator = Migrator.layer({ load: Effect.sync(() => [...loaded]) })
        const run = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, migrator)
        try {
          let state = initial
          let previous: Inspect.Schema = yield* reflect
          assert.deepStrictEqual(previous.tables, [], "the database starts empty")
          for (const [i, [name, change]] of steps.entries()) {
            state = change(state)
            const metadata = models(state)
            const expected = withoutKeyNames(Inspect.fromMetaData(metadata, target.dialect))
            const operations = yield* Migrator.diff(metadata)
            const kinds = operations.map((o) => o._tag)
            assert.isAbove(operations.length, 0, `${name}: some operations`)
            const kind = expectedKind[name]
            if (kind !== undefined) assert.include(kinds, kind, `${name}: ${kinds.join(", ")}`)
            const enumStep = name === "add an enum value" && target.dialect === "postgresql"
            if (enumStep) assert.deepStrictEqual(kinds, ["AddEnumValue"])

            const id = `${String(i).padStart(3, "0")}_step`
            const own = join(folder, id)
            mkdirSync(own)
            const file = join(own, `${id}.ts`)
            const source = Migrator.render(operations, { id, message: name, importFrom: "../../src/index.js" })
            writeFileSync(file, source)
            written.push(file)
            const fromFile = yield* Migrator.fromFolder(own).load
            assert.deepStrictEqual(fromFile.map((m) => [m.id, m.source]), [[id, source]])
            loaded.push(...fromFile)
            const context = `${name}\n${source}`

            const applied = yield* run(Migrator.up())
            assert.deepStrictEqual(applied.map((r) => r.id), [id], context)
            assert.deepStrictEqual(yield* reflect, expected, `${context}\nafter up`)
            assert.deepStrictEqual(yield* Migrator.diff(metadata), [], `${context}\nsecond diff`)

            const reverted = yield* Effect.either(run(Migrator.down({ steps: 1 })))
            if (enumStep) {
              assert.isTrue(Either.isLeft(reverted) && reverted.left._tag === "MigrationError" && reverted.left.reason === "Irreversible", context)
              assert.deepStrictEqual(yield* reflect, expected, `${context}\nafter a refused down`)
            } else {
              assert.isTrue(Either.isRight(reverted), `${context}\ndown: ${Either.isLeft(reverted) ? String(reverted.left) : ""}`)
              assert.deepStrictEqual(yield* reflect, previous, `${context}\nafter down`)
              assert.deepStrictEqual((yield* run(Migrator.up())).map((r) => r.id), [id], context)
              assert.deepStrictEqual(yield* reflect, expected, `${context}\nafter up again`)
            }
            previous = expected
          }
          assert.deepStrictEqual(typeCheck(written), [])
          const last = yield* run(Migrator.status)
          assert.isTrue(last.every((s) => s.state === "applied"))
        } finally {
          rmSync(folder, { recursive: true, force: true })
        }
      }), 400_000)
  })
}
