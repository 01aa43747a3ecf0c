/**
 * The Chinook relationships as retort relations.
 */
import { Relation } from "retort-orm"
import { Album, Artist, Customer, Employee, Invoice, InvoiceLine, Playlist, PlaylistTrack, Track } from "./models.js"

/** An employee's manager and direct reports: a self-referential pair. */
export const EmployeeManager = Relation.manyToOne(Employee, Employee, { foreignKey: Employee.c.reportsTo })
export const EmployeeReports = Relation.oneToMany(Employee, Employee, { foreignKey: Employee.c.reportsTo })
export const EmployeeCustomers = Relation.oneToMany(Employee, Customer, { foreignKey: Customer.c.supportRepId })

export const ArtistAlbums = Relation.oneToMany(Artist, Album, { foreignKey: Album.c.artistId })
export const AlbumArtist = Relation.manyToOne(Album, Artist, { foreignKey: Album.c.artistId })
export const AlbumTracks = Relation.oneToMany(Album, Track, { foreignKey: Track.c.albumId })
export const TrackAlbum = Relation.manyToOne(Track, Album, { foreignKey: Track.c.albumId })

/** Playlists and tracks: many-to-many through playlist_track. */
export const PlaylistTracks = Relation.manyToMany(Playlist, Track, {
  through: PlaylistTrack,
  source: PlaylistTrack.c.playlistId,
  target: PlaylistTrack.c.trackId
})

export const CustomerInvoices = Relation.oneToMany(Customer, Invoice, { foreignKey: Invoice.c.customerId })
export const InvoiceLines = Relation.oneToMany(Invoice, InvoiceLine, { foreignKey: InvoiceLine.c.invoiceId })
