/**
 * Reflection on a real database: `Inspect.tables` after `MetaData.createAll` equals
 * `Inspect.fromMetaData` of the same models, for the Chinook models and for a set that uses
 * every column type and constraint retort has; tables of another schema / database are not
 * read; and `Inspect.toModels` of the reflected Chinook database type-checks, and its own
 * `createAll` reflects equal to the original.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect } from "effect"
import * as Engine from "../../src/Engine.js"
import * as Inspect from "../../src/Inspect.js"
import { metadata as chinook } from "../../examples/chinook/models.js"
import { everything } from "../fixtures/inspect-models.js"
import { toModelsRoundTrip } from "./inspectModels.js"
import type { Suite } from "../harness/targets.js"


export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Inspect", (it) => {
    it.effect("reflects the Chinook models as fromMetaData describes them", () =>
      Effect.gen(function*() {
        yield* chinook.dropAll
        yield* chinook.createAll
        const reflected = yield* Inspect.tables
        assert.deepStrictEqual(reflected, Inspect.fromMetaData(chinook, target.dialect))
        assert.strictEqual(reflected.tables.length, 11)
        yield* chinook.dropAll
      }))

    it.effect("reflects every column type and constraint as fromMetaData describes them", () =>
      Effect.gen(function*() {
        yield* everything.dropAll
        yield* everything.createAll
        const reflected = yield* Inspect.tables
        const expected = Inspect.fromMetaData(everything, target.dialect)
        assert.deepStrictEqual(reflected, expected)
        const table = reflected.tables.find((t) => t.name === "it_everything")!
        // Spot checks that the comparison is about something.
        assert.deepStrictEqual(table.columns.find((c) => c.name === "status")!.type, {
          _tag: "literal",
          values: ["draft", "published"],
          enumName: target.dialect === "postgresql" ? "it_everything_status" : undefined
        })
        assert.isTrue(table.columns.find((c) => c.name === "id")!.autoIncrement)
        assert.isTrue(table.checks.some((c) => c.name === "it_positive_price"))
        assert.deepStrictEqual(
          reflected.tables.find((t) => t.name === "it_memberships")!.primaryKey?.columns,
          ["owner_id", "everything_id"]
        )
        const excluded = yield* Inspect.tablesWith({ exclude: ["it_memberships"] })
        assert.deepStrictEqual(excluded.tables.map((t) => t.name), ["it_everything", "it_owners"])
        yield* everything.dropAll
      }))

    if (target.dialect === "sqlite") {
      it.effect("reads hand-written SQLite DDL: inline and table CHECKs, WITHOUT ROWID, AUTOINCREMENT, REFERENCES without columns", () =>
        Effect.gen(function*() {
          yield* Engine.execute(
            "CREATE TABLE hand_a (id INTEGER PRIMARY KEY, x TEXT CONSTRAINT cx CHECK (x <> '') UNIQUE) WITHOUT ROWID"
          )
          yield* Engine.execute(
            "CREATE TABLE hand_b (id INTEGER PRIMARY KEY AUTOINCREMENT, a_id INTEGER REFERENCES hand_a ON DELETE CASCADE, " +
              "-- a comment, (with a parenthesis\n CHECK ( ( id > 0 ) ))"
          )
          const reflected = yield* Inspect.tables
          yield* Engine.execute("DROP TABLE hand_b")
          yield* Engine.execute("DROP TABLE hand_a")
          assert.deepStrictEqual(reflected, {
            tables: [{
              name: "hand_a",
              columns: [
                { name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: false },
                { name: "x", type: { _tag: "text" }, nullable: true, default: undefined, autoIncrement: false }
              ],
              primaryKey: { name: undefined, columns: ["id"] },
              foreignKeys: [],
              indexes: [],
              uniques: [{ name: undefined, columns: ["x"] }],
              checks: [{ name: "cx", sql: "x <> ''" }]
            }, {
              name: "hand_b",
              columns: [
                { name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: true },
                { name: "a_id", type: { _tag: "integer" }, nullable: true, default: undefined, autoIncrement: false }
              ],
              primaryKey: { name: undefined, columns: ["id"] },
              foreignKeys: [{
                name: undefined, columns: ["a_id"], referencedTable: "hand_a", referencedColumns: ["id"], onDelete: "cascade", onUpdate: "noAction"
              }],
              indexes: [],
              uniques: [],
              checks: [{ name: undefined, sql: "id > 0" }]
            }],
            enums: []
          })
        }))
    }

    if (target.dialect !== "sqlite") {
      it.effect("reads only the current schema / database", () =>
        Effect.gen(function*() {
          const pg = target.dialect === "postgresql"
          const other = `it_other_${process.pid}`
          const q = (s: string) => (pg ? `"${s}"` : `\`${s}\``)
          const kind = pg ? "SCHEMA" : "DATABASE"
          const cascade = pg ? " CASCADE" : ""
          yield* Engine.execute(`DROP ${kind} IF EXISTS ${q(other)}${cascade}`)
          yield* Engine.execute(`CREATE ${kind} ${q(other)}`)
          yield* Engine.execute(`CREATE TABLE ${q(other)}.${q("elsewhere")} (id INTEGER PRIMARY KEY)`)
          yield* Engine.execute(`CREATE TABLE ${q("here")} (id INTEGER PRIMARY KEY)`)
          if (pg) {
            yield* Engine.execute(`CREATE TYPE ${q(other)}.${q("far_mood")} AS ENUM ('x')`)
            // Values in sort order, not in the order they were added.
            yield* Engine.execute(`CREATE TYPE ${q("near_mood")} AS ENUM ('b', 'c')`)
            yield* Engine.execute(`ALTER TYPE ${q("near_mood")} ADD VALUE 'a' BEFORE 'b'`)
          }
          const reflected = yield* Inspect.tables
          yield* Engine.execute(`DROP ${kind} ${q(other)}${cascade}`)
          yield* Engine.execute(`DROP TABLE ${q("here")}`)
          if (pg) yield* Engine.execute(`DROP TYPE ${q("near_mood")}`)
          assert.deepStrictEqual(reflected.tables.map((t) => t.name), ["here"])
          assert.deepStrictEqual(reflected.enums, pg ? [{ name: "near_mood", values: ["a", "b", "c"] }] : [])
        }))
    }


    it.effect("toModels of the Chinook database (and of every column type) type-checks and creates the same database", () =>
      Effect.gen(function*() {
        const originals: Array<Inspect.Schema> = []
        for (const metadata of [chinook, everything]) {
          yield* metadata.dropAll
          yield* metadata.createAll
          originals.push(yield* Inspect.tables)
          yield* metadata.dropAll
        }
        const { diagnostics, reflected, sources } = yield* toModelsRoundTrip(originals)
        assert.deepStrictEqual(diagnostics, [])
        assert.include(sources[0], "export class InvoiceLine extends Table.Class<InvoiceLine>(\"InvoiceLine\")(\"invoice_line\"")
        assert.include(sources[0], "references: (): Column.AnyRef => Employee.c.employeeId")
        assert.deepStrictEqual(reflected[0], originals[0])
        assert.deepStrictEqual(reflected[1], originals[1])
      }), 180_000)
  })
}
