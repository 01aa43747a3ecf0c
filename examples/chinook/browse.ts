/**
 * Browsing Chinook through relations, without N+1 queries: employees with their reports,
 * and playlists with their tracks and each track's album and artist. Every statement is
 * counted (the engine's echo, captured), to show that it is one query per relation.
 *
 *   npx tsx examples/chinook/browse.ts [url]      (default: in-memory SQLite, loaded first)
 */
import { Console, Effect, Logger } from "effect"
import { Engine, Session } from "retort-orm"
import { loadChinook } from "./load.js"
import { Employee, Playlist } from "./models.js"
import { AlbumArtist, EmployeeManager, EmployeeReports, PlaylistTracks, TrackAlbum } from "./relations.js"

let selects = 0
const counting = Logger.make(({ message }) => {
  const text = Array.isArray(message) ? String(message[0]) : String(message)
  if (text.startsWith("SELECT")) selects++
})

const measured = <A, E, R>(label: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    selects = 0
    const result = yield* effect
    yield* Console.log(`\n${label}: ${selects} SELECT statements`)
    return result
  })

const program = Effect.gen(function*() {
  yield* loadChinook
  const session = yield* Session.Session

  const employees = yield* measured(
    "Employees with their manager and reports (one query each)",
    session.query(Employee).orderBy(Employee.c.employeeId).with({ manager: EmployeeManager, reports: EmployeeReports }).all
  )
  for (const e of employees) {
    const reports = e.reports.map((r) => `${r.firstName} ${r.lastName}`).join(", ") || "nobody"
    yield* Console.log(`  ${e.firstName} ${e.lastName} (${e.title}), manager: ${e.manager?.lastName ?? "-"}; reports: ${reports}`)
  }

  const playlists = yield* measured(
    "Playlists with their tracks, each track's album and artist (one query per relation and level)",
    session.query(Playlist).orderBy(Playlist.c.playlistId).with({
      tracks: PlaylistTracks.with({ album: TrackAlbum.with({ artist: AlbumArtist }) })
    }).all
  )
  for (const p of playlists.filter((p) => p.tracks.length > 0 && p.tracks.length < 30)) {
    yield* Console.log(`  ${p.name} (${p.tracks.length} tracks)`)
    for (const t of p.tracks.slice(0, 3)) yield* Console.log(`    - ${t.name} — ${t.album?.title} by ${t.album?.artist?.name}`)
  }

  // Lazy loads are no N+1 either: the first load on one employee of a result loads for all of them.
  const reports = yield* measured(
    "Employees, then the reports of each loaded lazily in a loop",
    Effect.flatMap(session.query(Employee).all, (plain) => Effect.forEach(plain, (e) => EmployeeReports.load(e)))
  )
  yield* Console.log(`  ${reports.flat().length} reports in total`)
})

const url = process.argv[2] ?? "sqlite://"
program.pipe(
  Effect.provide(Session.layer),
  Effect.provide(Engine.layer(url, { echo: true })),
  Effect.provide(Logger.replace(Logger.defaultLogger, counting)),
  Effect.tapErrorCause((cause) => Console.error(String(cause))),
  Effect.runPromise
).catch(() => {
  process.exitCode = 1
})

