/**
 * A statement run in the caller's step, without an Effect, where the engine can: better-sqlite3,
 * untraced, no replicas, on the transaction in effect (or an idle pooled connection). The
 * row-by-row insert of a session (`src/internal/query/insertRow.ts`) then costs two Effect
 * steps instead of about six, and a session's primary-key lookup (`SessionQuery.ts`) one.
 * Not public: `src/Engine.ts` registers each engine's implementation.
 */
import type { Fiber } from "effect"
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

export interface Now {
  readonly run: RunNow
  readonly query: QueryNow
}

const registry = new WeakMap<Engine, Now>()

/** Called once by `Engine.make`, for engines whose driver is synchronous. */
export const register = (engine: Engine, now: Now): void => {
  registry.set(engine, now)
}

/** The engine's synchronous path, if it has one (an engine not built by `Engine.make` has none). */
export const nowOf = (engine: Engine): Now | undefined => registry.get(engine)
