/**
 * How a dialect compiles migration operations: the interface `src/dialect/migrate/*.ts`
 * implement and `src/internal/migration/compile.ts` calls.
 */
import type { Either } from "effect"
import type { Row } from "../../Engine.js"
import type * as Inspect from "../../Inspect.js"
import type { Operation } from "./operations.js"

export interface MigrateHooks {
  /**
   * The table whose live definition compiling `op` needs (SQLite's rebuilds, MariaDB's
   * `MODIFY`), if any.
   */
  readonly needsTable: (op: Operation) => string | undefined
  /** The statements of `op`; `current` is the live table `needsTable` named. */
  readonly compile: (op: Operation, current: Inspect.Table | undefined) => Either.Either<ReadonlyArray<string>, string>
  /** A check before running `op` (SQLite: a rebuild needs foreign keys off): the reason to refuse, from the rows of `sql`. */
  readonly precondition: (op: Operation) => { readonly sql: string; readonly refuse: (rows: ReadonlyArray<Row>) => string | undefined } | undefined
  /** How the migrator keeps other migrators out for its whole run. */
  readonly lock:
    | {
      readonly _tag: "session"
      /** A statement that tries to take the lock, once; `taken` reads its rows. */
      readonly tryLock: (waitSeconds: number) => { readonly sql: string; readonly params: ReadonlyArray<unknown> }
      readonly taken: (rows: ReadonlyArray<Row>) => boolean
      /** Whether `tryLock` itself waits `waitSeconds` (MariaDB's GET_LOCK) or returns at once (then it is polled). */
      readonly waits: boolean
      readonly unlock: { readonly sql: string; readonly params: ReadonlyArray<unknown> }
    }
    /**
     * The whole run is one write transaction (SQLite's BEGIN IMMEDIATE), each migration a
     * savepoint in it. Waiting for it is polled, not left to the driver's busy wait (which
     * blocks the process): `busyTimeout` reads the connection's wait (`read`, a row with
     * `timeout`) and sets it (`set`), so that it is 0 while the migrator polls.
     */
    | {
      readonly _tag: "transaction"
      readonly busyTimeout: { readonly read: string; readonly set: (millis: number) => string }
    }
  /**
   * Foreign-key enforcement, which SQLite's rebuilds need off and which only changes outside a
   * transaction: read it, turn it off for the run, check the data after each migration, turn it back on.
   */
  readonly foreignKeys:
    | { readonly read: string; readonly off: string; readonly on: string; readonly check: string }
    | undefined
  /** Whether the migrator's history table exists in the current schema / database: a statement returning a row if so. */
  readonly tableExists: (name: string) => { readonly sql: string; readonly params: ReadonlyArray<unknown> }
}
