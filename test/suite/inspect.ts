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

    if (target.dialect !== "sqlite") {
      it.effect("reads only the current schema / database", () =>
        Effect.gen(function*() {
          const other = `${target.dialect === "postgresql" ? "it_other" : "it_other"}_${process.pid}`
          const q = (s: string) => (target.dialect === "mysql" ? `\`${s}\`` : `"${s}"`)
          const kind = target.dialect === "postgresql" ? "SCHEMA" : "DATABASE"
          yield* Engine.execute(`DROP ${kind} IF EXISTS ${q(other)}${target.dialect === "postgresql" ? " CASCADE" : ""}`)
          yield* Engine.execute(`CREATE ${kind} ${q(other)}`)
          yield* Engine.execute(`CREATE TABLE ${q(other)}.${q("elsewhere")} (id INTEGER PRIMARY KEY)`)
          yield* Engine.execute(`CREATE TABLE ${q("here")} (id INTEGER PRIMARY KEY)`)
          const reflected = yield* Inspect.tables
          yield* Engine.execute(`DROP ${kind} ${q(other)}${target.dialect === "postgresql" ? " CASCADE" : ""}`)
          yield* Engine.execute(`DROP TABLE ${q("here")}`)
          assert.deepStrictEqual(reflected.tables.map((t) => t.name), ["here"])
        }))
    }


    it.effect("toModels of the Chinook database type-checks and creates the same database", () =>
      Effect.gen(function*() {
        yield* chinook.dropAll
        yield* chinook.createAll
        const original = yield* Inspect.tables
        yield* chinook.dropAll
        const { diagnostics, reflected, source } = yield* toModelsRoundTrip(original)
        assert.deepStrictEqual(diagnostics, [])
        assert.include(source, "export class InvoiceLine extends Table.Class<InvoiceLine>(\"InvoiceLine\")(\"invoice_line\"")
        assert.deepStrictEqual(reflected, original)
      }), 120_000)
  })
}
