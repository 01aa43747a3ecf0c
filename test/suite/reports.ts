/**
 * Reporting queries over the Chinook data, written with retort's query builder and run on
 * each database. The expected answers were computed independently (in-memory sqlite3 and
 * plain Python, money with decimal.Decimal) by test/fixtures/chinook_answers.py.
 *
 * Where a database's collation would change an ORDER BY on text (PostgreSQL and MariaDB
 * ignore case or accents where the fixtures compare code points), the test sorts the rows
 * itself with the fixtures' comparison before comparing.
 */
import { assert, describe, inject, layer as testLayer } from "@effect/vitest"
import { BigDecimal, DateTime, Effect } from "effect"
import { loadChinook, readChinook } from "../../examples/chinook/load.js"
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
import { EmployeeManager, EmployeeReports, PlaylistTracks, TrackAlbum } from "../../examples/chinook/relations.js"
import * as Expr from "../../src/Expr.js"
import * as Fn from "../../src/Fn.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import * as A from "../fixtures/chinook-answers.js"
import type { Suite } from "../harness/targets.js"

const money = (value: BigDecimal.BigDecimal | null): string => {
  assert.isNotNull(value)
  const scaled = BigDecimal.scale(value!, 2)
  const digits = (scaled.value < 0n ? -scaled.value : scaled.value).toString().padStart(3, "0")
  return `${scaled.value < 0n ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

/** The fixtures' order: plain code-point comparison, as Python's sorted(). */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const utc = (iso: string) => DateTime.unsafeMake(iso) as DateTime.Utc

const long = { timeout: 60_000 }

export const suite: Suite = (layer) => {
  // Without the Chinook data (examples/chinook/data, or RETORT_CHINOOK_JSON), skipped with a message.
  if (inject("chinook") === undefined) return describe.skip("Reports over Chinook: SKIPPED, no Chinook data", () => {})
  testLayer(layer, { excludeTestServices: true })("Reports over Chinook", (it) => {
    it.effect("load Chinook", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* loadChinook
      }), long)

    it.effect("q01: joins, aggregates: top 5 artists by number of tracks", () =>
      Effect.gen(function*() {
        const tracks = Fn.count(Track.c.trackId)
        const rows = yield* Query.execute(
          Query.select({ artist: Artist.c.name, tracks })
            .from(Artist)
            .join(Album, Album.c.artistId.eq(Artist.c.artistId))
            .join(Track, Track.c.albumId.eq(Album.c.albumId))
            .groupBy(Artist.c.artistId, Artist.c.name)
            .orderBy(tracks.desc(), Artist.c.name.asc())
            .limit(5)
        )
        assert.deepStrictEqual(rows, A.q01)
      }))

    it.effect("q02: group by and having: genres with more than 100 tracks", () =>
      Effect.gen(function*() {
        const tracks = Fn.count(Track.c.trackId)
        const rows = yield* Query.execute(
          Query.select({ genre: Genre.c.name, tracks })
            .from(Genre)
            .join(Track, Track.c.genreId.eq(Genre.c.genreId))
            .groupBy(Genre.c.genreId, Genre.c.name)
            .having(tracks.gt(100))
            .orderBy(tracks.desc(), Genre.c.name)
        )
        assert.deepStrictEqual(rows, A.q02)
      }))

    it.effect("q03: a self-join through an alias: employees and their managers", () =>
      Effect.gen(function*() {
        const manager = Table.alias(Employee, "manager")
        const rows = yield* Query.execute(
          Query.select({ employeeId: Employee.c.employeeId, lastName: Employee.c.lastName, managerLastName: manager.c.lastName })
            .from(Employee)
            .join(manager, Employee.c.reportsTo.eq(manager.c.employeeId))
            .orderBy(Employee.c.employeeId)
        )
        assert.deepStrictEqual(rows, A.q03)
      }))

    it.effect("q04: a left join with isNull: artists without albums", () =>
      Effect.gen(function*() {
        const rows = yield* Query.execute(
          Query.select({ name: Artist.c.name, albumId: Album.c.albumId })
            .from(Artist)
            .leftJoin(Album, Album.c.artistId.eq(Artist.c.artistId))
            .where(Album.c.albumId.isNull())
        )
        const names = rows.map((r) => r.name!).sort(byCodePoint)
        assert.isTrue(rows.every((r) => r.albumId === null))
        assert.deepStrictEqual({ count: names.length, first: names.slice(0, 5) }, A.q04)
      }))

    it.effect("q05: a scalar subquery: tracks longer than the average", () =>
      Effect.gen(function*() {
        const average = Query.select({ avg: Fn.avg(Track.c.milliseconds) }).from(Track).scalar()
        const [row] = yield* Query.execute(Query.select({ n: Fn.count() }).from(Track).where(Track.c.milliseconds.gt(average)))
        assert.strictEqual(row!.n, A.q05)
      }))

    it.effect("q06: IN (subquery): customers who bought Jazz", () =>
      Effect.gen(function*() {
        const jazz = Query.select({ id: Track.c.trackId }).from(Track).join(Genre, Genre.c.genreId.eq(Track.c.genreId)).where(
          Genre.c.name.eq("Jazz")
        )
        const [row] = yield* Query.execute(
          Query.select({ n: Fn.countDistinct(Invoice.c.customerId) })
            .from(Invoice)
            .join(InvoiceLine, InvoiceLine.c.invoiceId.eq(Invoice.c.invoiceId))
            .where(InvoiceLine.c.trackId.in(jazz))
        )
        assert.strictEqual(row!.n, A.q06)
      }))

    const reportsTo = (boss: number) =>
      Query.withRecursive(
        "subordinates",
        Query.select({ employeeId: Employee.c.employeeId, lastName: Employee.c.lastName, depth: Expr.literal(1) })
          .from(Employee)
          .where(Employee.c.reportsTo.eq(boss)),
        (self) =>
          Query.select({ employeeId: Employee.c.employeeId, lastName: Employee.c.lastName, depth: self.c.depth.plus(1) })
            .from(Employee)
            .join(self, Employee.c.reportsTo.eq(self.c.employeeId))
      )

    it.effect("q07: a recursive CTE over the employee hierarchy", () =>
      Effect.gen(function*() {
        const team = reportsTo(2)
        const rows = yield* Query.execute(
          Query.select({ employeeId: team.c.employeeId, lastName: team.c.lastName, depth: team.c.depth }).from(team).orderBy(
            team.c.depth,
            team.c.employeeId
          )
        )
        assert.deepStrictEqual(rows.map((r) => ({ ...r, depth: Number(r.depth) })), A.q07)
        // From the top, the recursion goes two levels deep (managers from q03).
        const all = reportsTo(1)
        const everyone = yield* Query.execute(
          Query.select({ employeeId: all.c.employeeId, depth: all.c.depth }).from(all).orderBy(all.c.depth, all.c.employeeId)
        )
        const expected = A.q03.map((e) => ({
          employeeId: e.employeeId,
          depth: A.q03.find((m) => m.employeeId === e.employeeId)!.managerLastName === "Adams" ? 1 : 2
        })).sort((a, b) => a.depth - b.depth || a.employeeId - b.employeeId)
        assert.deepStrictEqual(everyone.map((r) => ({ employeeId: r.employeeId, depth: Number(r.depth) })), expected)
      }))

    it.effect("q08: a window-function ranking: the top customer of each billing country", () =>
      Effect.gen(function*() {
        const spend = Fn.sum(Invoice.c.total)
        const ranked = Query.select({
          country: Invoice.c.billingCountry,
          customerId: Invoice.c.customerId,
          spend,
          position: Fn.rank().over({ partitionBy: [Invoice.c.billingCountry], orderBy: [spend.desc()] })
        })
          .from(Invoice)
          .groupBy(Invoice.c.billingCountry, Invoice.c.customerId)
          .as("ranked")
        const rows = yield* Query.execute(
          Query.select({ country: ranked.c.country, customerId: ranked.c.customerId, spend: ranked.c.spend })
            .from(ranked)
            .where(ranked.c.position.eq(1))
        )
        const actual = rows
          .map((r) => ({ country: r.country!, customerId: r.customerId, spend: money(r.spend) }))
          .sort((a, b) => byCodePoint(a.country, b.country) || a.customerId - b.customerId)
        assert.deepStrictEqual(actual, A.q08)
      }))

    it.effect("q09: union: cities of employees and Canadian customers", () =>
      Effect.gen(function*() {
        const rows = yield* Query.execute(
          Query.select({ city: Employee.c.city })
            .from(Employee)
            .union(Query.select({ city: Customer.c.city }).from(Customer).where(Customer.c.country.eq("Canada")))
        )
        assert.deepStrictEqual(rows.map((r) => r.city!).sort(byCodePoint), A.q09)
      }))

    it.effect("q10: distinct: billing countries", () =>
      Effect.gen(function*() {
        const rows = yield* Query.execute(Query.select({ country: Invoice.c.billingCountry }).from(Invoice).distinct())
        const countries = rows.map((r) => r.country!).sort(byCodePoint)
        assert.deepStrictEqual({ count: countries.length, first: countries.slice(0, 5) }, A.q10)
      }))

    it.effect("q11: ilike: tracks whose name contains 'love' in any case", () =>
      Effect.gen(function*() {
        const [row] = yield* Query.execute(Query.select({ n: Fn.count() }).from(Track).where(Track.c.name.ilike("%love%")))
        assert.strictEqual(row!.n, A.q11)
        // like is case-sensitive on every database: fewer matches.
        const [exact] = yield* Query.execute(Query.select({ n: Fn.count() }).from(Track).where(Track.c.name.like("%love%")))
        assert.isBelow(exact!.n, A.q11)
      }))

    it.effect("q12: a date range on a dateTime column: invoices of 2022, summed to the cent", () =>
      Effect.gen(function*() {
        const [row] = yield* Query.execute(
          Query.select({ count: Fn.count(), total: Fn.sum(Invoice.c.total) })
            .from(Invoice)
            .where(Invoice.c.invoiceDate.gte(utc("2022-01-01T00:00:00Z")), Invoice.c.invoiceDate.lt(utc("2023-01-01T00:00:00Z")))
        )
        assert.deepStrictEqual({ count: row!.count, total: money(row!.total) }, A.q12)
      }))

    it.effect("q13: numeric sums exact to the cent: sales per country", () =>
      Effect.gen(function*() {
        const total = Fn.sum(Invoice.c.total)
        const rows = yield* Query.execute(
          Query.select({ country: Invoice.c.billingCountry, total })
            .from(Invoice)
            .groupBy(Invoice.c.billingCountry)
            .orderBy(total.desc(), Invoice.c.billingCountry)
            .limit(5)
        )
        assert.deepStrictEqual(rows.map((r) => ({ country: r.country, total: money(r.total) })), A.q13)
        assert.isTrue(rows.every((r) => BigDecimal.isBigDecimal(r.total)))
      }))

    it.effect("q14: the sum of all invoice totals", () =>
      Effect.gen(function*() {
        const [row] = yield* Query.execute(Query.select({ total: Fn.sum(Invoice.c.total) }).from(Invoice))
        assert.strictEqual(money(row!.total), A.q14)
      }))

    it.effect("q15: arithmetic in an aggregate: revenue per genre", () =>
      Effect.gen(function*() {
        const revenue = Fn.sum(InvoiceLine.c.unitPrice.times(InvoiceLine.c.quantity))
        const rows = yield* Query.execute(
          Query.select({ genre: Genre.c.name, revenue })
            .from(InvoiceLine)
            .join(Track, Track.c.trackId.eq(InvoiceLine.c.trackId))
            .join(Genre, Genre.c.genreId.eq(Track.c.genreId))
            .groupBy(Genre.c.genreId, Genre.c.name)
            .orderBy(revenue.desc(), Genre.c.name)
            .limit(5)
        )
        assert.deepStrictEqual(rows.map((r) => ({ genre: r.genre, revenue: money(r.revenue) })), A.q15)
      }))

    it.effect("q16: top playlists by number of tracks", () =>
      Effect.gen(function*() {
        const tracks = Fn.count(PlaylistTrack.c.trackId)
        const rows = yield* Query.execute(
          Query.select({ playlistId: Playlist.c.playlistId, name: Playlist.c.name, tracks })
            .from(Playlist)
            .join(PlaylistTrack, PlaylistTrack.c.playlistId.eq(Playlist.c.playlistId))
            .groupBy(Playlist.c.playlistId, Playlist.c.name)
            .orderBy(tracks.desc(), Playlist.c.playlistId)
            .limit(3)
        )
        assert.deepStrictEqual(rows, A.q16)
      }))

    it.effect("q17: per media type, the number of tracks and the sum of their prices", () =>
      Effect.gen(function*() {
        const rows = yield* Query.execute(
          Query.select({ mediaType: MediaType.c.name, tracks: Fn.count(Track.c.trackId), total: Fn.sum(Track.c.unitPrice) })
            .from(MediaType)
            .join(Track, Track.c.mediaTypeId.eq(MediaType.c.mediaTypeId))
            .groupBy(MediaType.c.mediaTypeId, MediaType.c.name)
            .orderBy(MediaType.c.name)
        )
        assert.deepStrictEqual(rows.map((r) => ({ mediaType: r.mediaType, tracks: r.tracks, total: money(r.total) })), A.q17)
      }))

    it.effect("q18: like: customers whose last name starts with S", () =>
      Effect.gen(function*() {
        const rows = yield* Query.execute(
          Query.select({ customerId: Customer.c.customerId, firstName: Customer.c.firstName, lastName: Customer.c.lastName })
            .from(Customer)
            .where(Customer.c.lastName.like("S%"))
            .orderBy(Customer.c.lastName, Customer.c.customerId)
        )
        assert.deepStrictEqual(rows, A.q18)
        // A pattern is case-sensitive: lowercase finds nobody.
        const none = yield* Query.execute(Query.select(Customer).where(Customer.c.lastName.like("s%")))
        assert.strictEqual(none.length, 0)
      }))

    it.effect("q19: date ranges year by year: invoices and totals per year", () =>
      Effect.gen(function*() {
        const years = A.q19.map((y) => y.year)
        const rows = yield* Effect.forEach(years, (year) =>
          Effect.map(
            Query.execute(
              Query.select({ invoices: Fn.count(), total: Fn.sum(Invoice.c.total) })
                .from(Invoice)
                .where(Invoice.c.invoiceDate.between(utc(`${year}-01-01T00:00:00Z`), utc(`${year}-12-31T23:59:59.999999Z`)))
            ),
            ([r]) => ({ year, invoices: r!.invoices, total: money(r!.total) })
          ))
        assert.deepStrictEqual(rows, A.q19)
      }))

    it.effect("q20: three joins: the longest tracks with album and artist", () =>
      Effect.gen(function*() {
        const rows = yield* Query.execute(
          Query.select({ track: Track.c.name, album: Album.c.title, artist: Artist.c.name, milliseconds: Track.c.milliseconds })
            .from(Track)
            .join(Album, Album.c.albumId.eq(Track.c.albumId))
            .join(Artist, Artist.c.artistId.eq(Album.c.artistId))
            .orderBy(Track.c.milliseconds.desc(), Track.c.trackId)
            .limit(3)
        )
        assert.deepStrictEqual(rows, A.q20)
      }))

    it.effect("a model query with a join filter, offset and limit decodes model instances", () =>
      Effect.gen(function*() {
        const rows = yield* Query.execute(
          Query.select(Track)
            .join(Album, Album.c.albumId.eq(Track.c.albumId))
            .where(Album.c.title.eq("Let There Be Rock"))
            .orderBy(Track.c.trackId)
            .offset(2)
            .limit(3)
        )
        assert.strictEqual(rows.length, 3)
        assert.isTrue(rows.every((t) => t instanceof Track && BigDecimal.isBigDecimal(t.unitPrice)))
        assert.deepStrictEqual(rows.map((t) => t.trackId), [17, 18, 19])
      }))

    it.effect("update and delete report affected rows; returning gives the rows", () =>
      Effect.gen(function*() {
        const raised = yield* Query.execute(
          Query.update(Track).set({ unitPrice: Track.c.unitPrice.plus(BigDecimal.unsafeFromString("1.00")) }).where(Track.c.albumId.eq(1))
        )
        assert.strictEqual(raised.rowsAffected, 10)
        const back = yield* Query.execute(
          Query.update(Track)
            .set({ unitPrice: BigDecimal.unsafeFromString("0.99") })
            .where(Track.c.albumId.eq(1))
            .returning({ id: Track.c.trackId, price: Track.c.unitPrice })
        )
        assert.strictEqual(back.length, 10)
        assert.isTrue(back.every((r) => money(r.price) === "0.99"))
        const inserted = yield* Query.execute(Query.insert(Genre).values([{ name: "Tmp A" }, { name: "Tmp B" }]).returning(Genre))
        assert.deepStrictEqual(inserted.map((g) => g.name), ["Tmp A", "Tmp B"])
        assert.isTrue(inserted.every((g) => g instanceof Genre && g.genreId > 25))
        const gone = yield* Query.execute(Query.delete(Genre).where(Genre.c.name.like("Tmp %")))
        assert.strictEqual(gone.rowsAffected, 2)
        const none = yield* Query.execute(Query.delete(Genre).where(Genre.c.genreId.in([])))
        assert.strictEqual(none.rowsAffected, 0)
      }), long)

    it.effect("upsert: do nothing, then do update with the excluded value", () =>
      Effect.gen(function*() {
        const existing = yield* Query.execute(Query.select(Genre).where(Genre.c.genreId.eq(1)))
        yield* Query.execute(Query.insert(Genre).values({ genreId: 1, name: "Not Rock" }).onConflict({ target: [Genre.c.genreId], doNothing: true }))
        const same = yield* Query.execute(Query.select(Genre).where(Genre.c.genreId.eq(1)))
        assert.deepStrictEqual(same.map((g) => g.name), existing.map((g) => g.name))
        yield* Query.execute(
          Query.insert(Genre).values({ genreId: 1, name: "Rock & Roll" }).onConflict({
            target: [Genre.c.genreId],
            doUpdate: { name: Query.excluded(Genre.c.name) }
          })
        )
        const updated = yield* Query.execute(Query.select(Genre).where(Genre.c.genreId.eq(1)))
        assert.deepStrictEqual(updated.map((g) => g.name), ["Rock & Roll"])
        yield* Query.execute(Query.update(Genre).set({ name: "Rock" }).where(Genre.c.genreId.eq(1)))
      }))

    it.effect("a union of limited members, integer division, and LIKE on text run on the database", () =>
      Effect.gen(function*() {
        const newest = Query.select({ id: Invoice.c.invoiceId }).from(Invoice).orderBy(Invoice.c.invoiceId.desc()).limit(1)
        const oldest = Query.select({ id: Invoice.c.invoiceId }).from(Invoice).orderBy(Invoice.c.invoiceId).limit(1)
        const ends = yield* Query.execute(newest.unionAll(oldest))
        assert.deepStrictEqual(ends.map((r) => r.id).sort((a, b) => a - b), [1, 412])
        const [seconds] = yield* Query.execute(
          Query.select({ s: Track.c.milliseconds.div(1000) }).from(Track).where(Track.c.trackId.eq(1))
        )
        // 343719 ms: `div` is true division on every database (343.719), `floorDiv` the integer quotient.
        assert.isTrue(Math.abs(seconds!.s - 343.719) < 1e-9, String(seconds!.s))
        const [whole] = yield* Query.execute(
          Query.select({ s: Track.c.milliseconds.floorDiv(1000) }).from(Track).where(Track.c.trackId.eq(1))
        )
        assert.strictEqual(whole!.s, 343)
      }))

    it.effect("relations over Chinook: employees with their reports, playlists with their tracks", () =>
      Effect.scoped(Effect.gen(function*() {
        const session = yield* Session.make
        const employees = yield* session.query(Employee).orderBy(Employee.c.employeeId).with({
          manager: EmployeeManager,
          reports: EmployeeReports
        }).all
        const expectedReports = new Map<number, Array<number>>()
        for (const e of A.q03) {
          const manager = A.q03.find((m) => m.lastName === e.managerLastName)?.employeeId ?? 1
          expectedReports.set(manager, [...(expectedReports.get(manager) ?? []), e.employeeId])
        }
        for (const e of employees) {
          assert.deepStrictEqual(e.reports.map((r) => r.employeeId).sort((a, b) => a - b), expectedReports.get(e.employeeId) ?? [])
          assert.strictEqual(e.manager?.lastName ?? null, A.q03.find((r) => r.employeeId === e.employeeId)?.managerLastName ?? null)
        }
        const playlists = yield* session.query(Playlist).with({ tracks: PlaylistTracks.with({ album: TrackAlbum }) }).all
        const top = playlists.map((p) => ({ playlistId: p.playlistId, name: p.name, tracks: p.tracks.length }))
          .sort((a, b) => b.tracks - a.tracks || a.playlistId - b.playlistId)
          .slice(0, 3)
        assert.deepStrictEqual(top, A.q16)
        assert.isTrue(playlists.every((p) => p.tracks.every((t) => t.album === null || t.album.albumId === t.albumId)))
      })), long)

    it.effect("a GROUP BY on an expression with a value in it (the same expression as selected)", () =>
      Effect.gen(function*() {
        const long = Track.c.milliseconds.gt(300_000)
        const rows = yield* Query.execute(
          Query.select({ long, tracks: Fn.count() }).from(Track).groupBy(long).orderBy(long)
        )
        // Expected straight from the JSON, not through retort.
        const data = yield* readChinook()
        const longer = data.Track.filter((t) => t.Milliseconds > 300_000).length
        assert.deepStrictEqual(rows.map((r) => [r.long, r.tracks]), [[false, data.Track.length - longer], [true, longer]])
      }))

    it.effect("drop Chinook", () => metadata.dropAll, long)
  })
}
