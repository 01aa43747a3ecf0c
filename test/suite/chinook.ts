/**
 * The Chinook sample database (examples/chinook) on a real database: created by
 * `metadata.createAll`, loaded through `Query.insert`, read back through `Query.select`
 * and compared with the JSON it came from, value for value.
 */
import { assert, describe, inject, layer as testLayer } from "@effect/vitest"
import { BigDecimal, DateTime, Effect, Exit } from "effect"
import * as Engine from "../../src/Engine.js"
import * as Query from "../../src/Query.js"
import type * as Table from "../../src/Table.js"
import { type ChinookJson, load, managersFirst, readChinook, tableKeys } from "../../examples/chinook/load.js"
import {
  Album,
  Artist,
  Customer,
  Employee,
  Genre,
  Invoice,
  InvoiceLine,
  MediaType,
  metadata,
  Playlist,
  PlaylistTrack,
  Track
} from "../../examples/chinook/models.js"
import { failure } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

type Key = (typeof tableKeys)[number]

/** Each JSON key's model and the fields that order it (its primary key). */
const models: { readonly [K in Key]: { readonly model: Table.Any; readonly orderBy: ReadonlyArray<string> } } = {
  Genre: { model: Genre, orderBy: ["genreId"] },
  MediaType: { model: MediaType, orderBy: ["mediaTypeId"] },
  Artist: { model: Artist, orderBy: ["artistId"] },
  Album: { model: Album, orderBy: ["albumId"] },
  Track: { model: Track, orderBy: ["trackId"] },
  Employee: { model: Employee, orderBy: ["employeeId"] },
  Customer: { model: Customer, orderBy: ["customerId"] },
  Invoice: { model: Invoice, orderBy: ["invoiceId"] },
  InvoiceLine: { model: InvoiceLine, orderBy: ["invoiceLineId"] },
  Playlist: { model: Playlist, orderBy: ["playlistId"] },
  PlaylistTrack: { model: PlaylistTrack, orderBy: ["playlistId", "trackId"] }
}

const selectAll = (key: Key) => {
  const { model, orderBy } = models[key]
  return Query.execute(Query.select(model).orderBy(...orderBy.map((field) => model.c[field]!)))
}

/** Rows per table, counted by the database. */
const countAll = Effect.gen(function*() {
  const counts: Partial<Record<Key, number>> = {}
  for (const key of tableKeys) {
    const rows = yield* Engine.execute(`SELECT COUNT(*) AS n FROM ${models[key].model.tableName}`)
    counts[key] = Number(rows[0]!["n"])
  }
  return counts as Record<Key, number>
})

const jsonCounts = (data: ChinookJson) => Object.fromEntries(tableKeys.map((key) => [key, data[key].length])) as Record<Key, number>

/** A model instance back in the JSON's spelling: PascalCase fields, prices as numbers, dates as zone-less ISO text. */
const toJson = (model: Table.Any, row: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const field of Object.keys(model.fields)) {
    const value = row[field]
    out[field[0]!.toUpperCase() + field.slice(1)] = BigDecimal.isBigDecimal(value)
      ? Number(BigDecimal.format(value))
      : DateTime.isDateTime(value)
      ? DateTime.formatIso(value).replace(/\.000Z$/, "")
      : value
  }
  return out
}

const byKeys = (fields: ReadonlyArray<string>) => (a: Record<string, unknown>, b: Record<string, unknown>) => {
  for (const field of fields) {
    const key = field[0]!.toUpperCase() + field.slice(1)
    const d = (a[key] as number) - (b[key] as number)
    if (d !== 0) return d
  }
  return 0
}

const byId = <A, K extends keyof A>(rows: ReadonlyArray<A>, key: K, id: A[K]): A => {
  const row = rows.find((r) => r[key] === id)
  assert.isDefined(row, `no row with ${String(key)} = ${String(id)}`)
  return row!
}

const long = { timeout: 60_000 }

export const suite: Suite = (layer) => {
  // Without the Chinook data (examples/chinook/data, or RETORT_CHINOOK_JSON), skipped with a message.
  if (inject("chinook") === undefined) return describe.skip("Chinook: SKIPPED, no Chinook data", () => {})
  testLayer(layer, { excludeTestServices: true })("Chinook", (it) => {
    it.effect("createAll and load: every table holds as many rows as the JSON", () =>
      Effect.gen(function*() {
        const data = yield* readChinook()
        const loaded = yield* load(data)
        assert.deepStrictEqual(loaded, jsonCounts(data))
        for (const key of tableKeys) {
          const rows = yield* selectAll(key)
          assert.strictEqual(rows.length, data[key].length, `rows in ${models[key].model.tableName}`)
        }
        assert.deepStrictEqual(yield* countAll, jsonCounts(data))
      }), long)

    it.effect("every value round-trips: the rows read back equal the JSON", () =>
      Effect.gen(function*() {
        const data = yield* readChinook()
        for (const key of tableKeys) {
          const { model, orderBy } = models[key]
          const rows = yield* selectAll(key)
          for (const row of rows) assert.instanceOf(row, model)
          const expected = [...data[key]].map((r) => ({ ...r }) as Record<string, unknown>).sort(byKeys(orderBy))
          assert.deepStrictEqual(rows.map((row) => toJson(model, row)), expected, `table ${model.tableName}`)
        }
      }), long)

    it.effect("spot checks: prices, totals, dates, unicode, the reports_to hierarchy", () =>
      Effect.gen(function*() {
        const tracks = yield* Query.execute(Query.select(Track).orderBy(Track.c.trackId).limit(3))
        assert.deepStrictEqual(tracks.map((t) => t.trackId), [1, 2, 3])
        const first = tracks[0]!
        assert.strictEqual(first.name, "For Those About To Rock (We Salute You)")
        assert.isTrue(BigDecimal.isBigDecimal(first.unitPrice))
        assert.isTrue(BigDecimal.equals(first.unitPrice, BigDecimal.unsafeFromString("0.99")), BigDecimal.format(first.unitPrice))
        assert.strictEqual(BigDecimal.format(first.unitPrice), "0.99")

        const invoices = yield* Query.execute(Query.select(Invoice))
        const big = byId(invoices, "invoiceId", 404)
        assert.isTrue(BigDecimal.equals(big.total, BigDecimal.unsafeFromString("25.86")), BigDecimal.format(big.total))
        assert.strictEqual(big.invoiceDate.epochMillis, Date.UTC(2025, 10, 13))
        const one = byId(invoices, "invoiceId", 1)
        assert.strictEqual(BigDecimal.format(one.total), "1.98")
        assert.strictEqual(one.billingAddress, "Theodor-Heuss-Straße 34")

        const employees = yield* Query.execute(Query.select(Employee))
        const adams = byId(employees, "employeeId", 1)
        assert.isTrue(DateTime.isDateTime(adams.birthDate))
        assert.strictEqual(adams.birthDate!.epochMillis, Date.UTC(1962, 1, 18))
        assert.strictEqual(adams.hireDate!.epochMillis, Date.UTC(2002, 7, 14))
        assert.isNull(adams.reportsTo)
        assert.strictEqual(byId(employees, "employeeId", 2).reportsTo, 1)
        assert.strictEqual(byId(employees, "employeeId", 8).reportsTo, 6)

        const customers = yield* Query.execute(Query.select(Customer).orderBy(Customer.c.customerId).limit(1))
        const luis = customers[0]!
        assert.strictEqual(`${luis.firstName} ${luis.lastName}`, "Luís Gonçalves")
        assert.strictEqual(luis.city, "São José dos Campos")
        assert.strictEqual(luis.company, "Embraer - Empresa Brasileira de Aeronáutica S.A.")
        assert.strictEqual(luis.supportRepId, 3)

        const playlistTracks = yield* Query.execute(Query.select(PlaylistTrack))
        assert.strictEqual(playlistTracks.length, 8715)
      }), long)

    it.effect("after loading, a row inserted without an id gets the next one", () =>
      Effect.gen(function*() {
        yield* Query.execute(Query.insert(Genre).values({ name: "Synthwave" }))
        const [last] = yield* Query.execute(Query.select(Genre).orderBy(Genre.c.genreId.desc()).limit(1))
        assert.deepStrictEqual([last!.genreId, last!.name], [26, "Synthwave"])
        yield* Engine.execute("DELETE FROM genre WHERE genre_id = 26")
      }), long)

    it.effect("loading is one transaction: a failure in the last table leaves the first unchanged", () =>
      Effect.gen(function*() {
        const data = yield* readChinook()
        const empty = Object.fromEntries(tableKeys.map((key) => [key, []])) as unknown as ChinookJson
        const conflicting: ChinookJson = {
          ...empty,
          Genre: [{ GenreId: 1000, Name: "Not loaded" }],
          PlaylistTrack: [data.PlaylistTrack[0]!]
        }
        const error = failure(yield* Effect.exit(load(conflicting)))
        assert.strictEqual(error._tag, "UniqueViolation")
        assert.deepStrictEqual(yield* countAll, jsonCounts(data))
      }), long)

    it.effect("a second createAll changes nothing", () =>
      Effect.gen(function*() {
        const data = yield* readChinook()
        yield* metadata.createAll
        assert.deepStrictEqual(yield* countAll, jsonCounts(data))
      }), long)

    it.effect("dropAll drops every table: a later SELECT fails with a typed error", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        for (const key of tableKeys) {
          const exit = yield* Effect.exit(selectAll(key))
          assert.isTrue(Exit.isFailure(exit), `${models[key].model.tableName} still exists`)
          const error = failure(exit)
          assert.strictEqual(error._tag, "SqlError")
        }
        // Dropping what is not there is not an error.
        yield* metadata.dropAll
      }), long)

    it.effect("employees load managers first, whatever their order in the JSON", () =>
      Effect.gen(function*() {
        const data = yield* readChinook()
        const empty = Object.fromEntries(tableKeys.map((key) => [key, []])) as unknown as ChinookJson
        // Subordinates before their managers: MariaDB checks each row's reports_to as it is inserted.
        const reversed = [...data.Employee].reverse()
        const ordered = managersFirst(reversed).map((e) => e.EmployeeId)
        assert.sameMembers(ordered, reversed.map((e) => e.EmployeeId))
        for (const e of reversed) {
          if (e.ReportsTo !== null) assert.isBelow(ordered.indexOf(e.ReportsTo), ordered.indexOf(e.EmployeeId))
        }
        yield* load({ ...empty, Employee: reversed })
        const employees = yield* selectAll("Employee")
        assert.deepStrictEqual(employees.map((e) => [e.employeeId, e.reportsTo]), data.Employee.map((e) => [e.EmployeeId, e.ReportsTo]))
        yield* metadata.dropAll
      }), long)
  })
}
