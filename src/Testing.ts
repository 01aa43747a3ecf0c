/**
 * Ready layers for tests with `@effect/vitest`.
 *
 * @module
 * @since 0.1.0
 */
import type { SqlClient } from "@effect/sql/SqlClient"
import { Data, Effect, Layer } from "effect"
import * as Engine from "./Engine.js"
import type * as MetaData from "./MetaData.js"
import * as Session from "./Session.js"

/**
 * A fresh in-memory SQLite database with `metadata` created, providing Engine,
 * SqlClient and Session: `it.layer(Testing.layer(metadata))(…)`.
 *
 * @example
 * import { it } from "@effect/vitest"
 * import { Column, MetaData, Table, Testing } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }) }) {}
 * it.layer(Testing.layer(MetaData.make(Tag)))("tags", (it) => {})
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  metadata: MetaData.MetaData,
  options: Engine.EngineOptions = {}
): Layer.Layer<Engine.Engine | SqlClient | Session.Session> =>
  Session.layer.pipe(
    Layer.provideMerge(Layer.effectDiscard(metadata.createAll).pipe(Layer.provideMerge(Engine.layer("sqlite://", options)))),
    Layer.orDie
  )

class Rollback<A> extends Data.Error<{ readonly value: A }> {}

/**
 * Runs a test's effect with a fresh session inside a transaction that is always rolled
 * back: whatever the test writes (commits included) is gone afterwards, so tests on a
 * shared PostgreSQL or MariaDB database stay independent.
 *
 * @example
 * import { Effect } from "effect"
 * import { Session, Testing } from "retort-orm"
 * const test = Testing.rollback(Effect.flatMap(Session.Session, (s) => s.commit))
 *
 * @since 0.1.0
 * @category combinators
 */
export const rollback = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | Session.SessionError, Exclude<R, Session.Session> | Engine.Engine> =>
  Effect.gen(function*() {
    const engine = yield* Engine.Engine
    const result = yield* engine.transaction(
      Effect.scoped(
        Effect.flatMap(Session.make, (session) =>
          Effect.flatMap(Effect.provideService(effect, Session.Session, session), (value) => Effect.fail(new Rollback({ value }))))
      )
    ).pipe(Effect.catchIf((e): e is Rollback<A> => e instanceof Rollback, (e) => Effect.succeed(e.value)))
    return result as A
  }) as any
