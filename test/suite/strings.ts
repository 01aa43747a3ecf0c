/**
 * `Column.string()` without a length: `VARCHAR` on PostgreSQL, `TEXT` on SQLite, and
 * `VARCHAR(255)` on MariaDB, where a longer value is an `EncodeError` before it reaches the
 * server (nothing written). A unique one is a unique key and a foreign key target; reflection
 * says what `fromMetaData` says, `toModels` writes the column back, and autogenerate sees
 * no difference after `createAll`.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Inspect from "../../src/Inspect.js"
import * as MetaData from "../../src/MetaData.js"
import * as Migration from "../../src/Migration.js"
import * as Migrator from "../../src/Migrator.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import { failure } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"
import { toModelsRoundTrip } from "./inspectModels.js"

class Handle extends Table.Class<Handle>("Handle")("str_handles", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ unique: true }),
  note: Column.string({ nullable: true }),
  code: Column.string({ length: 10, nullable: true })
}) {}

class Mention extends Table.Class<Mention>("Mention")("str_mentions", {
  id: Column.integer({ primaryKey: true }),
  handle: Column.string({ references: () => Handle.c.name, onDelete: "cascade", index: true })
}) {}

const metadata = MetaData.make(Handle, Mention)

// One table in two versions: a bounded label, then one without a length.
class Bounded extends Table.Class<Bounded>("Bounded")("str_labels", {
  id: Column.integer({ primaryKey: true }),
  label: Column.string({ length: 50 })
}) {}
class Unbounded extends Table.Class<Unbounded>("Unbounded")("str_labels", {
  id: Column.integer({ primaryKey: true }),
  label: Column.string()
}) {}

export const suite: Suite = (layer, target) => {
  const mariadb = target.dialect === "mysql"
  const count = (table: string) =>
    Engine.execute(mariadb ? `SELECT COUNT(*) AS n FROM \`${table}\`` : `SELECT COUNT(*) AS n FROM "${table}"`).pipe(
      Effect.map((rows) => Number(rows[0]!["n"]))
    )

  testLayer(layer, { excludeTestServices: true })("Column.string() without a length", (it) => {
    it.effect("a 300-character value: stored and read back, or on MariaDB an EncodeError with nothing written", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const long = "é".repeat(150) + "x".repeat(150)
        const insert = Query.insert(Handle).values([{ id: 1, name: "ann" }, { id: 2, name: "bob", note: long }])
        if (mariadb) {
          const error = failure(yield* Effect.exit(Query.execute(insert)))
          assert.strictEqual(error._tag, "EncodeError")
          assert.strictEqual(error._tag === "EncodeError" ? error.column : undefined, "note")
          assert.include(error.message, "255")
          assert.strictEqual(yield* count("str_handles"), 0)
          // 255 characters fit, four-byte ones too (utf8mb4).
          yield* Query.execute(Query.insert(Handle).values([{ id: 1, name: "ann", note: "x".repeat(255) }, { id: 2, name: "bob", note: "😀".repeat(255) }]))
          const rows = yield* Query.execute(Query.select(Handle).orderBy(Handle.c.id))
          assert.deepStrictEqual(rows.map((r) => r.note), ["x".repeat(255), "😀".repeat(255)])
          const update = failure(yield* Effect.exit(Query.execute(Query.update(Handle).set({ note: long }).where(Handle.c.id.eq(1)))))
          assert.strictEqual(update._tag, "EncodeError")
          assert.strictEqual((yield* Query.execute(Query.select(Handle).where(Handle.c.id.eq(1))))[0]!.note, "x".repeat(255))
          // A longer operand of a comparison is no error: it matches nothing.
          assert.deepStrictEqual(yield* Query.execute(Query.select(Handle).where(Handle.c.note.eq(long))), [])
        } else {
          yield* Query.execute(insert)
          const rows = yield* Query.execute(Query.select(Handle).where(Handle.c.note.eq(long)))
          assert.deepStrictEqual(rows.map((r) => [r.id, r.note]), [[2, long]])
          const huge = "y".repeat(100_000)
          yield* Query.execute(Query.update(Handle).set({ note: huge }).where(Handle.c.id.eq(1)))
          assert.strictEqual((yield* Query.execute(Query.select(Handle).where(Handle.c.id.eq(1))))[0]!.note, huge)
        }
        // A column with a length still refuses a longer value everywhere.
        const bounded = failure(yield* Effect.exit(Query.execute(Query.insert(Handle).values({ id: 3, name: "cy", code: "x".repeat(11) }))))
        assert.strictEqual(bounded._tag, "EncodeError")
        yield* metadata.dropAll
      }))

    it.effect("unique, and a foreign key target", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        yield* Query.execute(Query.insert(Handle).values([{ id: 1, name: "ann" }, { id: 2, name: "bob" }]))
        const dup = failure(yield* Effect.exit(Query.execute(Query.insert(Handle).values({ id: 3, name: "ann" }))))
        assert.strictEqual(dup._tag, "UniqueViolation")
        yield* Query.execute(Query.insert(Mention).values([{ id: 1, handle: "ann" }, { id: 2, handle: "bob" }]))
        const orphan = failure(yield* Effect.exit(Query.execute(Query.insert(Mention).values({ id: 3, handle: "nobody" }))))
        assert.strictEqual(orphan._tag, "ForeignKeyViolation")
        yield* Query.execute(Query.delete(Handle).where(Handle.c.name.eq("ann")))
        assert.deepStrictEqual((yield* Query.execute(Query.select(Mention))).map((m) => m.handle), ["bob"])
        yield* metadata.dropAll
      }))

    it.effect("reflection says what fromMetaData says; toModels writes it back; autogenerate sees no difference", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const reflected = yield* Inspect.tables
        assert.deepStrictEqual(reflected, Inspect.fromMetaData(metadata, target.dialect))
        const name = reflected.tables.find((t) => t.name === "str_handles")!.columns.find((c) => c.name === "name")!
        const expected: Inspect.ColumnType = target.dialect === "postgresql"
          ? { _tag: "string", length: undefined }
          : target.dialect === "mysql"
          ? { _tag: "string", length: 255 }
          : { _tag: "text" }
        assert.deepStrictEqual(name.type, expected)
        assert.deepStrictEqual(yield* Migrator.diff(metadata), [])
        yield* metadata.dropAll
        const { diagnostics, reflected: again, sources } = yield* toModelsRoundTrip([reflected])
        assert.deepStrictEqual(diagnostics, [])
        assert.deepStrictEqual(again[0], reflected)
        if (target.dialect === "postgresql") {
          assert.include(sources[0]!, "name: Column.string({ unique: true })")
          assert.include(sources[0]!, "note: Column.string({ nullable: true })")
        }
      }))

    it.effect("autogenerate widens a string with a length to one without, and then sees no difference", () =>
      Effect.gen(function*() {
        const before = MetaData.make(Bounded)
        const after = MetaData.make(Unbounded)
        yield* before.dropAll
        yield* before.createAll
        yield* Query.execute(Query.insert(Bounded).values({ id: 1, label: "x".repeat(50) }))
        const operations = yield* Migrator.diff(after)
        assert.deepStrictEqual(operations.map((o) => o._tag), ["AlterColumn"])
        // Through the migrator: on SQLite the change is a table rebuild, which needs foreign keys off.
        const widen = Migration.make({ id: "0001_widen", message: "widen", up: Effect.forEach(operations, Migration.run, { discard: true }) })
        yield* Effect.provide(Migrator.up(), Migrator.layer(Migrator.fromRecord([widen])))
        assert.deepStrictEqual(yield* Inspect.tablesWith({ exclude: ["retort_migrations"] }), Inspect.fromMetaData(after, target.dialect))
        assert.deepStrictEqual(yield* Migrator.diff(after), [])
        const rows = yield* Query.execute(Query.select(Unbounded))
        assert.deepStrictEqual(rows.map((r) => r.label), ["x".repeat(50)])
        yield* after.dropAll
        yield* Engine.execute(mariadb ? "DROP TABLE `retort_migrations`" : `DROP TABLE "retort_migrations"`)
        assert.deepStrictEqual((yield* Inspect.tables).tables, [])
      }))
  })
}
