/**
 * A model's JSON schemas on a real database: a JSON body decoded through `jsonCreate` is
 * inserted, read back, and encoded through `json` to JSON that survives a round trip.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Column from "../../src/Column.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Invoice extends Table.Class<Invoice>("Invoice")("apis_invoices", {
  id: Column.integer({ primaryKey: true }),
  total: Column.numeric({ precision: 12, scale: 2 }),
  issuedAt: Column.dateTime({ name: "issued_at" }),
  due: Column.date({ nullable: true }),
  serial: Column.bigint(),
  scan: Column.binary({ nullable: true }),
  lines: Column.json(Schema.Array(Schema.Struct({ sku: Schema.String, qty: Schema.Number }))),
  paid: Column.boolean({ default: false }),
  token: Column.string({ length: 40, sensitive: true, default: "t0k3n" })
}) {}

const metadata = MetaData.make(Invoice)

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("API schemas", (it) => {
    it.effect("a JSON body inserts through jsonCreate and reads back as the same JSON through json", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const body = {
          total: "1234.50",
          issuedAt: "2024-05-01T10:00:00.123456Z",
          due: "2024-06-01",
          serial: "9223372036854775807",
          scan: "3q2+7w==",
          lines: [{ sku: "A-1", qty: 2 }],
          token: "from the client"
        }
        const values = yield* Schema.decodeUnknown(Invoice.jsonCreate)(JSON.parse(JSON.stringify(body)))
        yield* Query.execute(Query.insert(Invoice).values(values))
        const [row] = yield* Query.execute(Query.select(Invoice))
        assert.strictEqual(row!.token, "t0k3n")
        const encoded = yield* Schema.encode(Invoice.json)(row!)
        assert.deepStrictEqual(JSON.parse(JSON.stringify(encoded)), encoded)
        const { token: _, ...rest } = body
        assert.deepStrictEqual(encoded, { ...rest, id: row!.id, paid: false })
        yield* metadata.dropAll
      }))
  })
}
