/**
 * Quickstart: an engine over embedded SQLite, raw statements through it, typed errors.
 *
 *   npm run example
 *
 * No server needed: the database lives in memory. Change the URL to
 * "postgresql://postgres@127.0.0.1:5432/test" or "mysql://root@127.0.0.1:3306/test"
 * and the same program runs there (placeholders aside: PostgreSQL writes $1, $2).
 */
import { SqlClient } from "@effect/sql"
import { Console, Effect } from "effect"
import { Engine, Url } from "../src/index.js"

// A few rows of the Chinook sample database.
const artists = [
  [1, "AC/DC"],
  [2, "Accept"],
  [3, "Aerosmith"],
  [4, "Alanis Morissette"]
] as const
const albums = [
  [1, "For Those About To Rock We Salute You", 1],
  [2, "Balls to the Wall", 2],
  [3, "Restless and Wild", 2],
  [4, "Let There Be Rock", 1],
  [5, "Big Ones", 3],
  [6, "Jagged Little Pill", 4]
] as const

const program = Effect.gen(function*() {
  const engine = yield* Engine.Engine
  yield* Console.log(`Engine: ${engine.dialect.name} at ${Url.toDisplayString(engine.url)} (lazy: nothing is open yet)`)

  yield* Engine.execute("CREATE TABLE artist (id INTEGER PRIMARY KEY, name VARCHAR(120) NOT NULL UNIQUE)")
  yield* Engine.execute(
    `CREATE TABLE album (
      id INTEGER PRIMARY KEY,
      title VARCHAR(160) NOT NULL,
      artist_id INTEGER NOT NULL REFERENCES artist (id)
    )`
  )

  // Several statements in one transaction, through @effect/sql's client.
  const sql = yield* SqlClient.SqlClient
  yield* sql.withTransaction(
    Effect.gen(function*() {
      for (const [id, name] of artists) yield* sql`INSERT INTO artist (id, name) VALUES (${id}, ${name})`
      for (const [id, title, artistId] of albums) {
        yield* sql`INSERT INTO album (id, title, artist_id) VALUES (${id}, ${title}, ${artistId})`
      }
    })
  )

  const counts = yield* Engine.execute(
    `SELECT artist.name AS artist, COUNT(album.id) AS albums
       FROM artist LEFT JOIN album ON album.artist_id = artist.id
      GROUP BY artist.name
      ORDER BY albums DESC, artist.name`
  )
  yield* Console.log("\nAlbums per artist:")
  yield* Console.table(counts)

  // Constraint violations are typed errors: recover from exactly the one you expect.
  const duplicate = yield* Engine.execute("INSERT INTO artist (id, name) VALUES (?, ?)", [99, "AC/DC"]).pipe(
    Effect.as("inserted"),
    Effect.catchTag("UniqueViolation", (e) => Effect.succeed(`UniqueViolation on ${e.table}(${e.columns.join(", ")})`))
  )
  const orphan = yield* Engine.execute("INSERT INTO album (id, title, artist_id) VALUES (?, ?, ?)", [7, "Nobody's", 42]).pipe(
    Effect.as("inserted"),
    Effect.catchTag("ForeignKeyViolation", (e) => Effect.succeed(`ForeignKeyViolation: ${e.message}`))
  )
  yield* Console.log(`\nDuplicate artist -> ${duplicate}`)
  yield* Console.log(`Album of a missing artist -> ${orphan}`)
})

program.pipe(
  Effect.provide(Engine.layer("sqlite://")),
  Effect.tapErrorCause(Effect.logError),
  Effect.runPromise
).catch(() => {
  process.exitCode = 1
})
