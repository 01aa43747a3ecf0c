/**
 * Read replicas of one engine (`Engine.layer(url, { replicas })`): which server a read
 * outside a transaction goes to. Called only by `src/Engine.ts`, which routes there the
 * statements marked `readOnly` (Core selects without a row lock, `session.get`, relation
 * loads) when no transaction is in effect and the fiber has not written recently.
 *
 * Replicas are taken round robin. One that fails to connect (or whose connection is lost)
 * is skipped for `downMillis`, and the read moves on to the next, then to the primary:
 * re-running a read elsewhere is always safe. Read-your-writes: a write outside a
 * transaction, or the commit of a transaction that could write, sends the same fiber's
 * reads to the primary for the engine's `readYourWrites` window.
 */
import type { SqlError } from "@effect/sql/SqlError"
import { Duration, Effect, FiberRef, type Scope, Stream } from "effect"
import type { EngineOptions } from "../../Options.js"
import * as Url from "../../Url.js"
import { connectionAttributes } from "../telemetry.js"
import * as Executor from "./Executor.js"

/** How long a replica that could not be reached is left out of the rotation. */
export const downMillis = 1_000

export interface Replica {
  readonly url: Url.DatabaseUrl
  readonly exec: Executor.Executor
  /** The span attributes that say which server ran a statement. */
  readonly spanBase: Readonly<Record<string, unknown>>
  /** `Date.now()` before which the replica is skipped. */
  downUntil: number
}

export interface Replicas {
  readonly all: ReadonlyArray<Replica>
  /** Until when (`Date.now()` ms) this fiber's reads go to the primary: its last write plus the window. */
  readonly primaryUntil: FiberRef.FiberRef<number>
  readonly windowMillis: number
  /** The replicas to try for the next read, in order; empty when all are down. */
  readonly candidates: () => ReadonlyArray<Replica>
}

/** The replicas of `options`, each an executor of its own (nothing opened); `undefined` without any. */
export const build = (
  primary: Url.DatabaseUrl,
  options: EngineOptions
): Effect.Effect<Replicas | undefined, Url.UrlError, Scope.Scope> => {
  const urls = options.replicas
  if (urls === undefined || urls.length === 0) return Effect.succeed(undefined)
  return Effect.gen(function*() {
    const all: Array<Replica> = []
    for (const text of urls) {
      const url = yield* Url.parse(text)
      if (url.dialect !== primary.dialect || url.dialect === "sqlite") {
        return yield* new Url.UrlError({
          part: "scheme",
          url: Url.toDisplayString(url),
          reason: "replica",
          message: primary.dialect === "sqlite"
            ? "replicas are for server databases: a SQLite engine has none"
            : `a replica must be a ${primary.dialect} database like its primary; got ${Url.toDisplayString(url)}`
        })
      }
      all.push({ url, exec: yield* Executor.make(url, options), spanBase: connectionAttributes(url), downUntil: 0 })
    }
    const window = options.readYourWrites === undefined ? 1_000 : Math.max(0, Duration.toMillis(options.readYourWrites))
    return make(all, window)
  })
}

export const make = (all: ReadonlyArray<Replica>, windowMillis: number): Replicas => {
  let next = 0
  return {
    all,
    primaryUntil: FiberRef.unsafeMake(0),
    windowMillis,
    candidates: () => {
      const now = Date.now()
      const start = next++ % all.length
      const out: Array<Replica> = []
      for (let i = 0; i < all.length; i++) {
        const r = all[(start + i) % all.length]!
        if (r.downUntil <= now) out.push(r)
      }
      return out
    }
  }
}

/**
 * `attempt` on each candidate in turn, then `primary`: a replica that is unavailable
 * (`unavailable(error)`: could not connect, connection lost) is marked down and the next
 * one tried; any other failure is the statement's own and is returned as is.
 */
export const routed = <A, R>(
  candidates: ReadonlyArray<Replica>,
  attempt: (replica: Replica) => Effect.Effect<A, SqlError, R>,
  primary: Effect.Effect<A, SqlError, R>,
  unavailable: (error: SqlError) => boolean
): Effect.Effect<A, SqlError, R> => {
  const from = (i: number): Effect.Effect<A, SqlError, R> => {
    if (i >= candidates.length) return primary
    const replica = candidates[i]!
    return Effect.catchIf(attempt(replica), unavailable, () => {
      replica.downUntil = Date.now() + downMillis
      return from(i + 1)
    })
  }
  return from(0)
}

/**
 * The same for a stream: a replica that fails before the first row (it could not connect)
 * is marked down and the stream starts again on the next server. A failure after rows
 * came is the stream's own.
 */
export const routedStream = <A>(
  candidates: ReadonlyArray<Replica>,
  attempt: (replica: Replica) => Stream.Stream<A, SqlError>,
  primary: Stream.Stream<A, SqlError>,
  unavailable: (error: SqlError) => boolean
): Stream.Stream<A, SqlError> => {
  const from = (i: number): Stream.Stream<A, SqlError> => {
    if (i >= candidates.length) return primary
    const replica = candidates[i]!
    return Stream.suspend(() => {
      let started = false
      return attempt(replica).pipe(
        Stream.mapChunks((chunk) => {
          started = true
          return chunk
        }),
        Stream.catchAll((error) => {
          if (started || !unavailable(error)) return Stream.fail(error)
          replica.downUntil = Date.now() + downMillis
          return from(i + 1)
        })
      )
    })
  }
  return from(0)
}
