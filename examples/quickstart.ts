/**
 * Quickstart: models, an engine over embedded SQLite, typed errors.
 *
 *   npm run example
 *
 * No server needed: the database lives in memory. Change the URL to
 * "postgresql://postgres@127.0.0.1:5432/test" or "mysql://root@127.0.0.1:3306/test"
 * and the same program runs there.
 */
import { BigDecimal, Console, Effect } from "effect"
import { Column, Engine, Fn, MetaData, Query, Table, Url } from "../src/index.js"

// Models are Effect Schema classes with table metadata.
class Artist extends Table.Class<Artist>("Artist")("artist", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 120, unique: true })
}) {}

class Album extends Table.Class<Album>("Album")("album", {
  id: Column.integer({ primaryKey: true }),
  title: Column.string({ length: 160 }),
  artistId: Column.integer({ name: "artist_id", references: () => Artist.c.id }),
  price: Column.numeric({ precision: 10, scale: 2 }),
  addedAt: Column.dateTime({ name: "added_at", serverDefault: Fn.now() })
}) {}

const metadata = MetaData.make(Artist, Album)

const program = Effect.gen(function*() {
  const engine = yield* Engine.Engine
  yield* Console.log(`Engine: ${engine.dialect.name} at ${Url.toDisplayString(engine.url)} (lazy: nothing is open yet)\n`)

  yield* Console.log(metadata.ddl(engine.dialect).join(";\n") + ";\n")
  yield* metadata.createAll

  // A few rows of the Chinook sample database; ids and added_at are filled in by the database.
  yield* Query.execute(Query.insert(Artist).values([{ name: "AC/DC" }, { name: "Accept" }, { name: "Aerosmith" }]))
  const price = BigDecimal.unsafeFromString("9.99")
  yield* Query.execute(
    Query.insert(Album).values([
      { title: "For Those About To Rock We Salute You", artistId: 1, price },
      { title: "Balls to the Wall", artistId: 2, price },
      { title: "Restless and Wild", artistId: 2, price: BigDecimal.unsafeFromString("7.49") },
      { title: "Let There Be Rock", artistId: 1, price },
      { title: "Big Ones", artistId: 3, price }
    ])
  )

  const albums = yield* Query.execute(Query.select(Album).orderBy(Album.c.title))
  yield* Console.log("Albums (model instances, decoded per column):")
  for (const album of albums) {
    yield* Console.log(`  #${album.id} ${album.title.padEnd(40)} ${BigDecimal.format(album.price).padStart(5)}  artist ${album.artistId}`)
  }

  const counts = yield* Engine.execute(
    `SELECT artist.name AS artist, COUNT(album.id) AS albums
       FROM artist LEFT JOIN album ON album.artist_id = artist.id
      GROUP BY artist.name ORDER BY artist.name`
  )
  yield* Console.log("\nAlbums per artist (raw SQL through the engine):")
  yield* Console.table(counts)

  // Constraint violations are typed errors: recover from exactly the one you expect.
  const duplicate = yield* Query.execute(Query.insert(Artist).values({ name: "AC/DC" })).pipe(
    Effect.as("inserted"),
    Effect.catchTag("UniqueViolation", (e) => Effect.succeed(`UniqueViolation on ${e.table}(${e.columns.join(", ")})`))
  )
  const orphan = yield* Query.execute(Query.insert(Album).values({ title: "Nobody's", artistId: 42, price })).pipe(
    Effect.as("inserted"),
    Effect.catchTag("ForeignKeyViolation", (e) => Effect.succeed(`ForeignKeyViolation: ${e.message}`))
  )
  const tooLong = yield* Query.execute(Query.insert(Artist).values({ name: "x".repeat(200) })).pipe(
    Effect.as("inserted"),
    Effect.catchTag("EncodeError", (e) => Effect.succeed(`EncodeError before any SQL ran: ${e.message}`))
  )
  yield* Console.log(`\nDuplicate artist          -> ${duplicate}`)
  yield* Console.log(`Album of a missing artist -> ${orphan}`)
  yield* Console.log(`A 200-character name      -> ${tooLong}`)
})

program.pipe(
  Effect.provide(Engine.layer("sqlite://")),
  Effect.tapErrorCause(Effect.logError),
  Effect.runPromise
).catch(() => {
  process.exitCode = 1
})
