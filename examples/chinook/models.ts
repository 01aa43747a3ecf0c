/**
 * The Chinook sample database (a digital media store: artists, albums, tracks, playlists,
 * customers, invoices) as retort models.
 *
 * Column types, lengths and nullability follow the classic Chinook schema
 * (https://github.com/lerocha/chinook-database, `Chinook_PostgreSql.sql`), including an
 * index on every foreign key column. Model fields are camelCase; tables and columns are
 * snake_case in the database.
 *
 * Load the data with `examples/chinook/load.ts`; the ER diagram is in `docs/chinook.md`.
 */
import { Column, MetaData, Table } from "retort-orm"

export class Genre extends Table.Class<Genre>("Genre")("genre", {
  genreId: Column.integer({ primaryKey: true, name: "genre_id" }),
  name: Column.string({ length: 120, nullable: true })
}) {}

export class MediaType extends Table.Class<MediaType>("MediaType")("media_type", {
  mediaTypeId: Column.integer({ primaryKey: true, name: "media_type_id" }),
  name: Column.string({ length: 120, nullable: true })
}) {}

export class Artist extends Table.Class<Artist>("Artist")("artist", {
  artistId: Column.integer({ primaryKey: true, name: "artist_id" }),
  name: Column.string({ length: 120, nullable: true })
}) {}

export class Album extends Table.Class<Album>("Album")("album", {
  albumId: Column.integer({ primaryKey: true, name: "album_id" }),
  title: Column.string({ length: 160 }),
  artistId: Column.integer({ name: "artist_id", index: true, references: () => Artist.c.artistId })
}) {}

export class Track extends Table.Class<Track>("Track")("track", {
  trackId: Column.integer({ primaryKey: true, name: "track_id" }),
  name: Column.string({ length: 200 }),
  albumId: Column.integer({ nullable: true, name: "album_id", index: true, references: () => Album.c.albumId }),
  mediaTypeId: Column.integer({ name: "media_type_id", index: true, references: () => MediaType.c.mediaTypeId }),
  genreId: Column.integer({ nullable: true, name: "genre_id", index: true, references: () => Genre.c.genreId }),
  composer: Column.string({ length: 220, nullable: true }),
  milliseconds: Column.integer(),
  bytes: Column.integer({ nullable: true }),
  unitPrice: Column.numeric({ precision: 10, scale: 2, name: "unit_price" })
}) {}

export class Employee extends Table.Class<Employee>("Employee")("employee", {
  employeeId: Column.integer({ primaryKey: true, name: "employee_id" }),
  lastName: Column.string({ length: 20, name: "last_name" }),
  firstName: Column.string({ length: 20, name: "first_name" }),
  title: Column.string({ length: 30, nullable: true }),
  reportsTo: Column.integer({
    nullable: true,
    name: "reports_to",
    index: true,
    references: (): Column.AnyRef => Employee.c.employeeId
  }),
  birthDate: Column.dateTime({ nullable: true, name: "birth_date" }),
  hireDate: Column.dateTime({ nullable: true, name: "hire_date" }),
  address: Column.string({ length: 70, nullable: true }),
  city: Column.string({ length: 40, nullable: true }),
  state: Column.string({ length: 40, nullable: true }),
  country: Column.string({ length: 40, nullable: true }),
  postalCode: Column.string({ length: 10, nullable: true, name: "postal_code" }),
  phone: Column.string({ length: 24, nullable: true }),
  fax: Column.string({ length: 24, nullable: true }),
  email: Column.string({ length: 60, nullable: true })
}) {}

export class Customer extends Table.Class<Customer>("Customer")("customer", {
  customerId: Column.integer({ primaryKey: true, name: "customer_id" }),
  firstName: Column.string({ length: 40, name: "first_name" }),
  lastName: Column.string({ length: 20, name: "last_name" }),
  company: Column.string({ length: 80, nullable: true }),
  address: Column.string({ length: 70, nullable: true }),
  city: Column.string({ length: 40, nullable: true }),
  state: Column.string({ length: 40, nullable: true }),
  country: Column.string({ length: 40, nullable: true }),
  postalCode: Column.string({ length: 10, nullable: true, name: "postal_code" }),
  phone: Column.string({ length: 24, nullable: true }),
  fax: Column.string({ length: 24, nullable: true }),
  email: Column.string({ length: 60 }),
  supportRepId: Column.integer({
    nullable: true,
    name: "support_rep_id",
    index: true,
    references: () => Employee.c.employeeId
  })
}) {}

export class Invoice extends Table.Class<Invoice>("Invoice")("invoice", {
  invoiceId: Column.integer({ primaryKey: true, name: "invoice_id" }),
  customerId: Column.integer({ name: "customer_id", index: true, references: () => Customer.c.customerId }),
  invoiceDate: Column.dateTime({ name: "invoice_date" }),
  billingAddress: Column.string({ length: 70, nullable: true, name: "billing_address" }),
  billingCity: Column.string({ length: 40, nullable: true, name: "billing_city" }),
  billingState: Column.string({ length: 40, nullable: true, name: "billing_state" }),
  billingCountry: Column.string({ length: 40, nullable: true, name: "billing_country" }),
  billingPostalCode: Column.string({ length: 10, nullable: true, name: "billing_postal_code" }),
  total: Column.numeric({ precision: 10, scale: 2 })
}) {}

export class InvoiceLine extends Table.Class<InvoiceLine>("InvoiceLine")("invoice_line", {
  invoiceLineId: Column.integer({ primaryKey: true, name: "invoice_line_id" }),
  invoiceId: Column.integer({ name: "invoice_id", index: true, references: () => Invoice.c.invoiceId }),
  trackId: Column.integer({ name: "track_id", index: true, references: () => Track.c.trackId }),
  unitPrice: Column.numeric({ precision: 10, scale: 2, name: "unit_price" }),
  quantity: Column.integer()
}) {}

export class Playlist extends Table.Class<Playlist>("Playlist")("playlist", {
  playlistId: Column.integer({ primaryKey: true, name: "playlist_id" }),
  name: Column.string({ length: 120, nullable: true })
}) {}

export class PlaylistTrack extends Table.Class<PlaylistTrack>("PlaylistTrack")("playlist_track", {
  playlistId: Column.integer({ name: "playlist_id", index: true, references: () => Playlist.c.playlistId }),
  trackId: Column.integer({ name: "track_id", index: true, references: () => Track.c.trackId })
}, { primaryKey: ["playlistId", "trackId"] }) {}

/** Every Chinook table, parents before children. */
export const tables = [
  Genre,
  MediaType,
  Artist,
  Album,
  Track,
  Employee,
  Customer,
  Invoice,
  InvoiceLine,
  Playlist,
  PlaylistTrack
] as const

export const metadata = MetaData.make(...tables)
