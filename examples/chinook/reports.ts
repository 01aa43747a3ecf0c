/**
 * Reporting queries over Chinook with the query builder (Core).
 *
 *   npm run example:chinook [-- url]      (default: in-memory SQLite, loaded first)
 */
import { BigDecimal, Console, DateTime, Effect } from "effect"
import { Engine, Fn, Query, Table } from "retort-orm"
import { loadChinook } from "./load.js"
import { Album, Artist, Employee, Genre, Invoice, InvoiceLine, Track } from "./models.js"

const program = Effect.gen(function*() {
  yield* loadChinook

  const tracks = Fn.count(Track.c.trackId)
  const topArtistsQuery = Query.select({ artist: Artist.c.name, tracks })
    .from(Artist)
    .join(Album, Album.c.artistId.eq(Artist.c.artistId))
    .join(Track, Track.c.albumId.eq(Album.c.albumId))
    .groupBy(Artist.c.artistId, Artist.c.name)
    .orderBy(tracks.desc(), Artist.c.name)
    .limit(5)
  const topArtists = yield* Query.execute(topArtistsQuery)
  yield* Console.log("Top artists by tracks:")
  for (const r of topArtists) yield* Console.log(`  ${String(r.artist).padEnd(20)} ${r.tracks}`)

  const revenue = Fn.sum(InvoiceLine.c.unitPrice.times(InvoiceLine.c.quantity))
  const byGenre = yield* Query.execute(
    Query.select({ genre: Genre.c.name, revenue })
      .from(InvoiceLine)
      .join(Track, Track.c.trackId.eq(InvoiceLine.c.trackId))
      .join(Genre, Genre.c.genreId.eq(Track.c.genreId))
      .groupBy(Genre.c.genreId, Genre.c.name)
      .orderBy(revenue.desc())
      .limit(3)
  )
  yield* Console.log("Revenue by genre (exact to the cent):")
  for (const r of byGenre) yield* Console.log(`  ${String(r.genre).padEnd(20)} ${BigDecimal.format(r.revenue ?? BigDecimal.fromBigInt(0n))}`)

  const [year] = yield* Query.execute(
    Query.select({ invoices: Fn.count(), total: Fn.sum(Invoice.c.total) })
      .from(Invoice)
      .where(
        Invoice.c.invoiceDate.gte(DateTime.unsafeMake("2022-01-01T00:00:00Z") as DateTime.Utc),
        Invoice.c.invoiceDate.lt(DateTime.unsafeMake("2023-01-01T00:00:00Z") as DateTime.Utc)
      )
  )
  yield* Console.log(`Invoices in 2022: ${year!.invoices}, total ${BigDecimal.format(year!.total!)}`)

  const manager = Table.alias(Employee, "manager")
  const staff = yield* Query.execute(
    Query.select({ name: Employee.c.lastName, manager: manager.c.lastName })
      .from(Employee)
      .leftJoin(manager, Employee.c.reportsTo.eq(manager.c.employeeId))
      .orderBy(Employee.c.employeeId)
  )
  yield* Console.log("Employees and managers (a self-join):")
  for (const r of staff) yield* Console.log(`  ${r.name.padEnd(10)} -> ${r.manager ?? "(none)"}`)
  yield* Console.log(`\nThe SQL of the first query on PostgreSQL:\n${topArtistsQuery.toSql("postgresql").sql}`)
})

program.pipe(
  Effect.provide(Engine.layer(process.argv[2] ?? "sqlite://")),
  Effect.tapErrorCause(Effect.logError),
  Effect.runPromise
).catch(() => {
  process.exitCode = 1
})
