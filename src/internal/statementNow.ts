/**
 * A statement run in the caller's step, without an Effect, where the engine can: better-sqlite3,
 * untraced, no replicas, on the transaction in effect (or an idle pooled connection). The
 * row-by-row insert of a session (`src/internal/query/insertRow.ts`) then costs two Effect
 * steps instead of about six, and a session's primary-key lookup (`SessionQuery.ts`) one.
 * On the server drivers, `later` runs a statement as one Effect.async.
 * Not public: `src/Engine.ts` registers each engine's implementation.
 */
import type { Effect, Fiber } from "effect"
import type { Engine, StatementOptions } from "../Engine.js"
import type { DatabaseError } from "../Errors.js"

/** The answer when the statement cannot run now: take the Effect path. */
export const notNow: unique symbol = Symbol.for("retort/statementNow/notNow")
export type NotNow = typeof notNow

/** A typed failure, given back rather than thrown: the caller fails its Effect with it. */
export class Failed {
  constructor(readonly error: DatabaseError) {}
}

/** The driver's result of `text` (as `engine.executeRaw`), `notNow`, or the classified error. */
export type RunNow = (fiber: Fiber.RuntimeFiber<unknown, unknown>, text: string, params: ReadonlyArray<unknown>, options?: StatementOptions) => unknown

/** The rows of `text` (as `engine.execute`), `notNow`, or the classified error. */
export type QueryNow = (
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  text: string,
  params: ReadonlyArray<unknown>,
  options?: StatementOptions
) => ReadonlyArray<Readonly<Record<string, unknown>>> | NotNow | Failed

/**
 * A server driver's statement as one `Effect.async`, for a caller in `Effect.withFiberRuntime`
 * (`interruptible` from its status): its rows (`rows`) or the driver's result go to `then` in
 * the driver's callback, its failures are classified. On the transaction in effect, or a
 * pooled connection; `notNow` where the engine's general path is needed (tracing, replicas,
 * a held connection, a transaction's connection another fiber holds).
 */
export type Later = <B, E>(
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  interruptible: boolean,
  rows: boolean,
  text: string,
  params: ReadonlyArray<unknown>,
  options: StatementOptions | undefined,
  then: (value: unknown) => Effect.Effect<B, E>
) => Effect.Effect<B, E | DatabaseError> | NotNow

export interface Now {
  readonly run: RunNow
  readonly query: QueryNow
  /** Absent for better-sqlite3, which runs `query` in the caller's step. */
  readonly later: Later | undefined
}

const registry = new WeakMap<Engine, Now>()

/** Called once by `Engine.make`. */
export const register = (engine: Engine, now: Now): void => {
  registry.set(engine, now)
}

/** The engine's synchronous path, if it has one (an engine not built by `Engine.make` has none). */
export const nowOf = (engine: Engine): Now | undefined => registry.get(engine)
