/**
 * How a dialect compiles migration operations: the interface `src/dialect/migrate/*.ts`
 * implement and `src/internal/migration/compile.ts` calls.
 */
import type { Either } from "effect"
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
}
