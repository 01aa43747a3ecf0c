/**
 * A migration's checksum: SHA-256 of its source when it was loaded from a file, else of a
 * stable rendering (sorted keys, exact values, notes left out) of the operations its `up`
 * and `down` run, collected without running them. Re-exported by src/Migration.ts.
 *
 * Callers: src/Migration.ts (as `Migration.checksum`), src/Migrator.ts through it.
 */
import { createHash } from "node:crypto"
import { Effect } from "effect"
import type * as Engine from "../../Engine.js"
import type { DatabaseError, MigrationError } from "../../Errors.js"
import type { Migration } from "../../Migration.js"
import * as Run from "./run.js"

/** JSON with sorted keys and exact values: the same operations always render the same text. */
const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`
    if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString("hex")}`
    if (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "note").sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    }
    return v
  })

/**
 * A migration's checksum (SHA-256, hex): of its source when it was loaded from a file, else
 * of the operations its `up` and `down` run, collected without running them (the engine in
 * context gives the dialect models are converted with).
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Migration } from "retort-orm"
 * const m = Migration.make({ id: "1", message: "x", up: Migration.dropTable("a"), down: Migration.dropTable("b") })
 * const sum = Migration.checksum(m).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.2.0
 * @category checksums
 */
export const checksum = (migration: Migration): Effect.Effect<string, DatabaseError | MigrationError, Engine.Engine> =>
  migration.source !== undefined
    ? Effect.succeed(createHash("sha256").update(migration.source).digest("hex"))
    : Effect.gen(function*() {
      const up = yield* Run.record(migration.up)
      // A migration without down checksums as such.
      const down = yield* Run.record(migration.down).pipe(
        Effect.catchIf((e): e is MigrationError => e._tag === "MigrationError" && e.reason === "Irreversible", () => Effect.succeed("irreversible"))
      )
      return createHash("sha256").update(stable({ up, down })).digest("hex")
    })
