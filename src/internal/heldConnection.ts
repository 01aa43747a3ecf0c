/**
 * Holding one pooled connection across statements and transactions: what session-level
 * locks need (PostgreSQL's `pg_advisory_lock`, MariaDB's `GET_LOCK`, SQLite's
 * `PRAGMA foreign_keys`, which are per connection). Not public: `src/Engine.ts` registers
 * each engine's implementation here, and `src/Migrator.ts` calls `withConnection`.
 *
 * Inside `withConnection`, every statement the fiber runs on that engine outside a
 * transaction, and every transaction it begins, uses the held connection.
 */
import type { Effect } from "effect"
import type { Engine } from "../Engine.js"
import type { DatabaseError } from "../Errors.js"

export type WithConnection = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DatabaseError, R>

const registry = new WeakMap<Engine, WithConnection>()

/** Called once by `Engine.make`. */
export const register = (engine: Engine, withConnection: WithConnection): Engine => {
  registry.set(engine, withConnection)
  return engine
}

/** Runs `effect` with one connection of `engine` held for its whole length. */
export const withConnection = <A, E, R>(engine: Engine, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> => {
  const held = registry.get(engine)
  // An engine not built by Engine.make (a user's own service) cannot hold one: run as is.
  return held === undefined ? effect : held(effect)
}
