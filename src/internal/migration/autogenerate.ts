/**
 * `Migrator.diff`: reflects the live database (leaving out the migrations' history table)
 * and compares it with the models, through the pure `diffSchemas`. Called by
 * `src/Migrator.ts` and `retort revision --autogenerate`.
 */
import { Effect } from "effect"
import * as Engine from "../../Engine.js"
import type { DatabaseError } from "../../Errors.js"
import * as Inspect from "../../Inspect.js"
import type * as MetaData from "../../MetaData.js"
import { diffSchemas } from "./diff.js"
import type { Operation } from "./operations.js"

/** The history table `Migrator` keeps, which is not part of the models. */
export const historyTable = "retort_migrations"

/** The operations that bring the database to the models. */
export const diff = (metadata: MetaData.MetaData): Effect.Effect<ReadonlyArray<Operation>, DatabaseError, Engine.Engine> =>
  Effect.gen(function*() {
    const engine = yield* Engine.Engine
    const current = yield* Inspect.tablesWith({ exclude: [historyTable] })
    const target = Inspect.fromMetaData(metadata, engine.dialect.name)
    return diffSchemas(current, target, { nativeEnum: engine.dialect.capabilities.nativeEnum })
  })
