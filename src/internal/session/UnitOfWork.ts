/**
 * The unit of work of one transaction level. The session is the root level (its
 * outermost `Session.transaction` block too); each nested block is a level of its own,
 * current for the fibers that run in it. A level owns the changes those fibers record
 * (`add`, `update`, `delete`) and the identity-map keys they change:
 *
 * - it is flushed at its own level (in its savepoint), by its own fibers, so a sibling
 *   or the parent never writes a block's changes;
 * - when its block succeeds, what it still has pending and the keys it changed become
 *   its parent's (its written rows already are: RELEASE SAVEPOINT);
 * - when its block fails, its changes are dropped and every instance it loaded, added,
 *   changed or deleted is evicted from the identity map, to be loaded again.
 *
 * Opened and ended by `SessionTransaction.ts`; recorded into by `src/Session.ts`;
 * written by `Persister.ts`.
 */
import { Effect, Either, Equal, Schema } from "effect"
import { EncodeError } from "../../Errors.js"
import type * as Table from "../../Table.js"
import * as TableModule from "../../Table.js"
import { toTarget } from "../loading/RelationDef.js"
import { refuseComputed } from "../rows.js"
import type { TableDef } from "../tableDef.js"
import { ChangeSet, type PendingInsert } from "./ChangeSet.js"
import { type IdentityMap, type IdentityView, keyOf, modelOf, type Touched } from "./IdentityMap.js"

/** An update checked against its model: the instance before and after, and the fields that changed. */
export interface PreparedUpdate {
  readonly model: Table.Any
  readonly def: TableDef
  readonly key: string
  readonly before: Readonly<Record<string, unknown>>
  readonly next: object
  readonly changed: ReadonlyArray<string>
}

export const encodeError = (def: TableDef, message: string) =>
  new EncodeError({ message: `${def.tableName}: ${message}`, table: def.tableName, column: undefined })

/** Validates `changes` of `entity` and builds the new instance; no level is involved yet. */
export const prepareUpdate = (entity: object, changes: Readonly<Record<string, unknown>>): Either.Either<PreparedUpdate, EncodeError> => {
  const model = modelOf(entity)
  const def = TableModule.definition(model)
  if (def.computed.size > 0) {
    try {
      refuseComputed(def, changes, "update")
    } catch (e) {
      if (e instanceof EncodeError) return Either.left(e)
      throw e
    }
  }
  const checked = Schema.validateEither(model.update)(changes)
  if (checked._tag === "Left") return Either.left(encodeError(def, `invalid update: ${checked.left.message}`))
  let next: object
  try {
    next = new model({ ...entity, ...changes }) as object
  } catch (e) {
    return Either.left(encodeError(def, `invalid update: ${e instanceof Error ? e.message : String(e)}`))
  }
  const before = entity as Record<string, unknown>
  const after = next as Record<string, unknown>
  const changed = Object.keys(changes).filter((k) => !Equal.equals(before[k], after[k]))
  if (changed.some((k) => def.primaryKey.includes(k))) return Either.left(encodeError(def, "the primary key of an instance cannot change"))
  return Either.right({ model, def, key: keyOf(def, before), before, next, changed })
}

const rootTouched: Touched = new Map()

export class UnitOfWork {
  readonly changes = new ChangeSet()
  /** Identity-map keys this level (or a child that succeeded) added, replaced or removed. */
  readonly touched: Touched
  readonly identity: IdentityView
  /**
   * One flush of this level at a time, and a count of those under way: a fiber's query
   * waits for a write another fiber of its level has taken but not finished, so it reads
   * its own level's changes.
   */
  private lock: Effect.Semaphore | undefined
  get flushLock(): Effect.Semaphore {
    return this.lock ??= Effect.unsafeMakeSemaphore(1)
  }
  flushing = 0
  private state: "open" | "committed" | "discarded" = "open"

  constructor(private readonly map: IdentityMap, readonly parent: UnitOfWork | undefined) {
    // The root is never discarded on its own (a rollback empties the whole map): it tracks nothing.
    // The root's is never written (a child's commit into the root keeps nothing): one shared
    // empty map, so that a session made per request does not make one.
    this.touched = parent === undefined ? rootTouched : new Map()
    this.identity = parent === undefined ? map : map.tracked(this.touched)
  }

  /** A level for a block nested in this one. */
  child(): UnitOfWork {
    return new UnitOfWork(this.map, this)
  }

  /**
   * The level that records for this one: itself while open; once its block has
   * succeeded, the level it handed its work to. A fiber that outlives its block (a
   * daemon) so keeps recording where the block's work went; after a failure it records
   * into the discarded level, where nothing is kept.
   */
  get recorder(): UnitOfWork {
    let unit: UnitOfWork = this
    while (unit.state === "committed" && unit.parent !== undefined) unit = unit.parent
    return unit
  }

  /** Whether this level or one it runs inside deletes any row: else no key need be built to ask `hides`. */
  get deletesAny(): boolean {
    for (let unit: UnitOfWork | undefined = this; unit !== undefined; unit = unit.parent) {
      if (unit.changes.hasDeletes) return true
    }
    return false
  }

  /** A row deleted by this level or by one it runs inside: `get` does not find it. */
  hides(key: string): boolean {
    for (let unit: UnitOfWork | undefined = this; unit !== undefined; unit = unit.parent) {
      if (unit.changes.hasDelete(key)) return true
    }
    return false
  }

  add(pending: PendingInsert): void {
    if (this.state !== "discarded") this.changes.inserts.push(pending)
  }

  /**
   * Records an update of this level; successive updates of one row merge, and a row
   * whose foreign key is cleared under a delete-orphan relation is deleted instead.
   */
  update(update: PreparedUpdate): void {
    if (this.state === "discarded") return
    const { before, changed, def, key, model, next } = update
    const after = next as Record<string, unknown>
    const pending = this.changes.updates.get(key)
    const orphaned = toTarget(model).some((r) =>
      r.cascade.deleteOrphan && r.through === undefined && r.targetKeys.some((t) => changed.includes(t.key) && after[t.key] === null)
    )
    if (orphaned) {
      this.changes.updates.delete(key)
      this.changes.deletes.set(key, { model, def, entity: pending?.original ?? before })
      this.identity.remove(def, before)
      return
    }
    const merged = { ...(pending?.changes ?? {}), ...Object.fromEntries(changed.map((k) => [k, after[k]])) }
    this.changes.updates.set(key, { model, def, original: pending?.original ?? before, changes: merged })
    this.identity.replace(def, next)
  }

  /** Records a delete of this level; it replaces this level's pending update of the row. */
  delete(model: Table.Any, def: TableDef, entity: object): void {
    if (this.state === "discarded") return
    const values = entity as Readonly<Record<string, unknown>>
    const key = keyOf(def, values)
    const pending = this.changes.updates.get(key)
    this.changes.updates.delete(key)
    this.changes.deletes.set(key, { model, def, entity: pending?.original ?? values })
    this.identity.remove(def, values)
  }

  /** The block succeeded: what is still pending, and the keys it changed, become the parent's. */
  commit(): void {
    if (this.state !== "open" || this.parent === undefined) return
    const parent = this.parent.recorder
    // A block that outlived its failed parent (run by a daemon fiber) goes with it.
    if (parent.state === "discarded") return this.discard()
    this.state = "committed"
    parent.changes.append(this.changes)
    if (parent.parent !== undefined) for (const [key, row] of this.touched) parent.touched.set(key, row)
    this.changes.clear()
    this.touched.clear()
  }

  /** The block failed: its changes are dropped and its instances evicted, to be loaded again. */
  discard(): void {
    if (this.state !== "open") return
    this.state = "discarded"
    this.changes.clear()
    this.map.evict(this.touched)
    this.touched.clear()
  }

  /** After the session's COMMIT or ROLLBACK (which also empty the identity map). */
  reset(): void {
    this.changes.clear()
    this.touched.clear()
  }
}
