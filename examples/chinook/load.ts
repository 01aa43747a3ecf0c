/**
 * Loads the Chinook sample data into any database retort supports: creates the tables
 * (`metadata.createAll`) and inserts every row through retort's query builder, parents
 * before children, in one transaction.
 *
 *   npx tsx examples/chinook/load.ts                                     # in-memory SQLite
 *   npx tsx examples/chinook/load.ts sqlite:///chinook.db
 *   npx tsx examples/chinook/load.ts postgresql://postgres@127.0.0.1:5432/test
 *   npx tsx examples/chinook/load.ts mysql://root@127.0.0.1:3306/test
 *
 * The data is read from `examples/chinook/data/chinook.json`, shipped with the repository
 * (set `RETORT_CHINOOK_JSON` to read another file).
 */
import { BigDecimal, Cause, Console, Data, DateTime, Effect, Option, type Schema } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Engine, Query, Table } from "retort-orm"
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
} from "./models.js"

// --- the JSON file ------------------------------------------------------------------------

/** The rows of `chinook.json`, as the file spells them (PascalCase fields, ISO dates without zone). */
export interface ChinookJson {
  readonly Genre: ReadonlyArray<{ readonly GenreId: number; readonly Name: string | null }>
  readonly MediaType: ReadonlyArray<{ readonly MediaTypeId: number; readonly Name: string | null }>
  readonly Artist: ReadonlyArray<{ readonly ArtistId: number; readonly Name: string | null }>
  readonly Album: ReadonlyArray<{ readonly AlbumId: number; readonly Title: string; readonly ArtistId: number }>
  readonly Track: ReadonlyArray<{
    readonly TrackId: number
    readonly Name: string
    readonly AlbumId: number | null
    readonly MediaTypeId: number
    readonly GenreId: number | null
    readonly Composer: string | null
    readonly Milliseconds: number
    readonly Bytes: number | null
    readonly UnitPrice: number
  }>
  readonly Employee: ReadonlyArray<{
    readonly EmployeeId: number
    readonly LastName: string
    readonly FirstName: string
    readonly Title: string | null
    readonly ReportsTo: number | null
    readonly BirthDate: string | null
    readonly HireDate: string | null
    readonly Address: string | null
    readonly City: string | null
    readonly State: string | null
    readonly Country: string | null
    readonly PostalCode: string | null
    readonly Phone: string | null
    readonly Fax: string | null
    readonly Email: string | null
  }>
  readonly Customer: ReadonlyArray<{
    readonly CustomerId: number
    readonly FirstName: string
    readonly LastName: string
    readonly Company: string | null
    readonly Address: string | null
    readonly City: string | null
    readonly State: string | null
    readonly Country: string | null
    readonly PostalCode: string | null
    readonly Phone: string | null
    readonly Fax: string | null
    readonly Email: string
    readonly SupportRepId: number | null
  }>
  readonly Invoice: ReadonlyArray<{
    readonly InvoiceId: number
    readonly CustomerId: number
    readonly InvoiceDate: string
    readonly BillingAddress: string | null
    readonly BillingCity: string | null
    readonly BillingState: string | null
    readonly BillingCountry: string | null
    readonly BillingPostalCode: string | null
    readonly Total: number
  }>
  readonly InvoiceLine: ReadonlyArray<{
    readonly InvoiceLineId: number
    readonly InvoiceId: number
    readonly TrackId: number
    readonly UnitPrice: number
    readonly Quantity: number
  }>
  readonly Playlist: ReadonlyArray<{ readonly PlaylistId: number; readonly Name: string | null }>
  readonly PlaylistTrack: ReadonlyArray<{ readonly PlaylistId: number; readonly TrackId: number }>
}

/** The JSON keys, in foreign-key order (every table after the tables it references). */
export const tableKeys = [
  "Genre",
  "MediaType",
  "Artist",
  "Album",
  "Track",
  "Employee",
  "Customer",
  "Invoice",
  "InvoiceLine",
  "Playlist",
  "PlaylistTrack"
] as const satisfies ReadonlyArray<keyof ChinookJson>

/** The data file could not be found, read or understood. */
export class ChinookDataError extends Data.TaggedError("ChinookDataError")<{
  readonly message: string
  readonly path: string
  readonly cause?: unknown
}> {}

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url))

/**
 * Where `chinook.json` is read from: `RETORT_CHINOOK_JSON` if set, else the copy shipped
 * with the repository, `examples/chinook/data/chinook.json` (the Chinook Database by Luis
 * Rocha, MIT: see `examples/chinook/data/README.md`).
 */
export const chinookJsonPath = (): string => {
  const fromEnv = process.env["RETORT_CHINOOK_JSON"]
  if (fromEnv !== undefined && fromEnv !== "") return resolve(fromEnv)
  const shipped = join(repositoryRoot, "examples", "chinook", "data", "chinook.json")
  if (existsSync(shipped)) return shipped
  // A checkout without the data file (a sparse one) still finds a shared copy next to it.
  for (let dir = resolve(repositoryRoot, ".."); dirname(dir) !== dir; dir = dirname(dir)) {
    const shared = join(dir, "shared", "data", "chinook", "chinook.json")
    if (existsSync(shared)) return shared
  }
  return shipped
}

/** Reads and parses `chinook.json` (see {@link chinookJsonPath}); fails with a message that says where it looked. */
export const readChinook = (path?: string): Effect.Effect<ChinookJson, ChinookDataError> =>
  Effect.suspend(() => {
    const file = path ?? chinookJsonPath()
    return Effect.try({
      try: () => readFileSync(file, "utf8"),
      catch: (cause) =>
        new ChinookDataError({
          message: (cause as NodeJS.ErrnoException)?.code === "ENOENT"
            ? `Chinook data not found at ${file}: set RETORT_CHINOOK_JSON to the path of chinook.json`
            : `cannot read the Chinook data at ${file}: ${String(cause)}`,
          path: file,
          cause
        })
    }).pipe(
      Effect.flatMap((text) =>
        Effect.try({
          try: () => JSON.parse(text) as unknown,
          catch: (cause) => new ChinookDataError({ message: `${file} is not valid JSON: ${String(cause)}`, path: file, cause })
        })
      ),
      Effect.filterOrFail(
        (json): json is ChinookJson =>
          typeof json === "object" && json !== null &&
          tableKeys.every((key) => Array.isArray((json as Record<string, unknown>)[key])),
        () =>
          new ChinookDataError({
            message: `${file} is not the Chinook data: expected a JSON object with the arrays ${tableKeys.join(", ")}`,
            path: file
          })
      )
    )
  })

// --- JSON rows to model inserts -------------------------------------------------------------

/** What `Query.insert(M).values` takes for one row. */
type NewRow<M extends Table.Any> = Schema.Schema.Type<M["insert"]>

/** Prices are exact decimals: `0.99` becomes the BigDecimal 0.99, not the nearest double. */
const decimal = (n: number): BigDecimal.BigDecimal => BigDecimal.unsafeFromNumber(n)

/** The file's timestamps (`1962-02-18T00:00:00`) are UTC without a zone designator. */
const utc = (s: string): DateTime.Utc => DateTime.unsafeMake(`${s}Z`)
const utcOrNull = (s: string | null): DateTime.Utc | null => (s === null ? null : utc(s))

/** Managers before the employees who report to them, so that each row's `reports_to` already exists. */
export const managersFirst = <E extends { readonly EmployeeId: number; readonly ReportsTo: number | null }>(
  employees: ReadonlyArray<E>
): ReadonlyArray<E> => {
  const ids = new Set(employees.map((e) => e.EmployeeId))
  const placed = new Set<number>()
  const out: Array<E> = []
  let pending = [...employees]
  while (pending.length > 0) {
    const ready = pending.filter((e) => e.ReportsTo === null || !ids.has(e.ReportsTo) || placed.has(e.ReportsTo))
    // A cycle in reports_to cannot be inserted row by row: keep the rest as given and let the database object.
    if (ready.length === 0) return [...out, ...pending]
    for (const e of ready) {
      out.push(e)
      placed.add(e.EmployeeId)
    }
    pending = pending.filter((e) => !placed.has(e.EmployeeId))
  }
  return out
}

/** The Chinook data as model inserts, table by table. */
export const toRows = (data: ChinookJson) => ({
  Genre: data.Genre.map((r): NewRow<typeof Genre> => ({ genreId: r.GenreId, name: r.Name })),
  MediaType: data.MediaType.map((r): NewRow<typeof MediaType> => ({ mediaTypeId: r.MediaTypeId, name: r.Name })),
  Artist: data.Artist.map((r): NewRow<typeof Artist> => ({ artistId: r.ArtistId, name: r.Name })),
  Album: data.Album.map((r): NewRow<typeof Album> => ({ albumId: r.AlbumId, title: r.Title, artistId: r.ArtistId })),
  Track: data.Track.map((r): NewRow<typeof Track> => ({
    trackId: r.TrackId,
    name: r.Name,
    albumId: r.AlbumId,
    mediaTypeId: r.MediaTypeId,
    genreId: r.GenreId,
    composer: r.Composer,
    milliseconds: r.Milliseconds,
    bytes: r.Bytes,
    unitPrice: decimal(r.UnitPrice)
  })),
  Employee: managersFirst(data.Employee).map((r): NewRow<typeof Employee> => ({
    employeeId: r.EmployeeId,
    lastName: r.LastName,
    firstName: r.FirstName,
    title: r.Title,
    reportsTo: r.ReportsTo,
    birthDate: utcOrNull(r.BirthDate),
    hireDate: utcOrNull(r.HireDate),
    address: r.Address,
    city: r.City,
    state: r.State,
    country: r.Country,
    postalCode: r.PostalCode,
    phone: r.Phone,
    fax: r.Fax,
    email: r.Email
  })),
  Customer: data.Customer.map((r): NewRow<typeof Customer> => ({
    customerId: r.CustomerId,
    firstName: r.FirstName,
    lastName: r.LastName,
    company: r.Company,
    address: r.Address,
    city: r.City,
    state: r.State,
    country: r.Country,
    postalCode: r.PostalCode,
    phone: r.Phone,
    fax: r.Fax,
    email: r.Email,
    supportRepId: r.SupportRepId
  })),
  Invoice: data.Invoice.map((r): NewRow<typeof Invoice> => ({
    invoiceId: r.InvoiceId,
    customerId: r.CustomerId,
    invoiceDate: utc(r.InvoiceDate),
    billingAddress: r.BillingAddress,
    billingCity: r.BillingCity,
    billingState: r.BillingState,
    billingCountry: r.BillingCountry,
    billingPostalCode: r.BillingPostalCode,
    total: decimal(r.Total)
  })),
  InvoiceLine: data.InvoiceLine.map((r): NewRow<typeof InvoiceLine> => ({
    invoiceLineId: r.InvoiceLineId,
    invoiceId: r.InvoiceId,
    trackId: r.TrackId,
    unitPrice: decimal(r.UnitPrice),
    quantity: r.Quantity
  })),
  Playlist: data.Playlist.map((r): NewRow<typeof Playlist> => ({ playlistId: r.PlaylistId, name: r.Name })),
  PlaylistTrack: data.PlaylistTrack.map((r): NewRow<typeof PlaylistTrack> => ({ playlistId: r.PlaylistId, trackId: r.TrackId }))
})

// --- loading ------------------------------------------------------------------------------

/** Rows inserted, by JSON key. */
export type LoadCounts = { readonly [K in (typeof tableKeys)[number]]: number }

/**
 * Creates the Chinook tables (what is missing) and inserts `data` into them: one
 * multi-row INSERT per table (retort splits it where the parameter limit requires),
 * parents first, all in one transaction. Tables that already hold the rows make it fail with a
 * `UniqueViolation`.
 */
export const load = (data: ChinookJson) =>
  Effect.gen(function*() {
    yield* metadata.createAll
    const rows = toRows(data)
    yield* Engine.transaction(Effect.all([
      Query.execute(Query.insert(Genre).values(rows.Genre)),
      Query.execute(Query.insert(MediaType).values(rows.MediaType)),
      Query.execute(Query.insert(Artist).values(rows.Artist)),
      Query.execute(Query.insert(Album).values(rows.Album)),
      Query.execute(Query.insert(Track).values(rows.Track)),
      Query.execute(Query.insert(Employee).values(rows.Employee)),
      Query.execute(Query.insert(Customer).values(rows.Customer)),
      Query.execute(Query.insert(Invoice).values(rows.Invoice)),
      Query.execute(Query.insert(InvoiceLine).values(rows.InvoiceLine)),
      Query.execute(Query.insert(Playlist).values(rows.Playlist)),
      Query.execute(Query.insert(PlaylistTrack).values(rows.PlaylistTrack))
    ], { discard: true }))
    const counts = {} as Record<(typeof tableKeys)[number], number>
    for (const key of tableKeys) counts[key] = rows[key].length
    return counts as LoadCounts
  })

/** Reads `chinook.json` (see {@link chinookJsonPath}) and {@link load}s it. */
export const loadChinook = Effect.flatMap(readChinook(), load)

// --- as a script ----------------------------------------------------------------------------

const isMain = (): boolean => {
  const script = process.argv[1]
  return script !== undefined && resolve(script) === fileURLToPath(import.meta.url)
}

/** An error's message, with the driver's own message when the error only wraps it (an unclassified `SqlError`). */
const describeError = (error: { readonly message: string; readonly cause?: unknown }): string => {
  const cause = error.cause instanceof Error ? error.cause.message : undefined
  return cause === undefined || error.message.includes(cause) ? error.message : `${error.message}: ${cause}`
}

if (isMain()) {
  const url = process.argv[2] ?? "sqlite://"
  const program = Effect.gen(function*() {
    const engine = yield* Engine.Engine
    const started = Date.now()
    yield* loadChinook
    const millis = Date.now() - started
    yield* Console.log(`Loaded Chinook into ${engine.dialect.name} in ${(millis / 1000).toFixed(1)} s:`)
    for (const model of metadata.tables) {
      const [row] = yield* Engine.execute(`SELECT COUNT(*) AS n FROM ${model.tableName}`)
      yield* Console.log(`  ${model.tableName.padEnd(16)}${String(Number(row?.["n"])).padStart(6)}`)
    }
  })
  program.pipe(
    Effect.provide(Engine.layer(url)),
    Effect.tapErrorCause((cause) =>
      Console.error(Option.match(Cause.failureOption(cause), {
        onNone: () => Cause.pretty(cause),
        onSome: (error) => `chinook: ${describeError(error)}`
      }))
    ),
    Effect.runPromise
  ).catch(() => {
    process.exitCode = 1
  })
}
