/**
 * The persister: writes a session's pending changes at flush, as INSERT (batched into
 * multi-row statements, generated keys read back with RETURNING), UPDATE (changed
 * columns only, guarded by the version column) and DELETE (in reverse dependency order).
 * Called only by `src/Session.ts`, inside the session's transaction.
 */
import { Effect } from "effect"
import type * as Engine from "../../Engine.js"
import { type DatabaseError, type DecodeError, EncodeError, StaleDataError } from "../../Errors.js"
import * as Expr from "../../Expr.js"
import * as Query from "../../Query.js"
import * as Table from "../../Table.js"
import type { TableDef } from "../tableDef.js"
import { insertValues } from "../rows.js"
import type { ChangeSet, PendingDelete, PendingInsert, PendingUpdate } from "./ChangeSet.js"
import { keyString } from "../loading/RelationDef.js"
import * as CommitOrder from "./CommitOrder.js"
import type { IdentityMap } from "./IdentityMap.js"

type FlushError = DatabaseError | DecodeError | EncodeError | StaleDataError

/** Validates a row for insert (the model's insert schema, client defaults). */
export const validate = (model: Table.Any, def: TableDef, values: unknown): Effect.Effect<Record<string, unknown>, EncodeError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(insertValues(model, def, values))
    } catch (e) {
      if (e instanceof EncodeError) return Effect.fail(e)
      throw e
    }
  })

/** `pk = value AND …`, and the version for a write to a versioned table. */
export const locate = (model: Table.Any, def: TableDef, row: Readonly<Record<string, unknown>>, version = false) =>
  Expr.and(
    ...[...def.primaryKey, ...(version && def.versionColumn !== undefined ? [def.versionColumn] : [])].map((key) =>
      model.c[key]!.eq(row[key] as never)
    )
  )

const stale = (def: TableDef, what: string, actual: number) =>
  new StaleDataError({
    message: `${what} on ${def.tableName} expected to match 1 row, matched ${actual}: the row was changed or deleted by someone else`,
    table: def.tableName,
    expected: 1,
    actual
  })

const writeUpdate = (update: PendingUpdate) =>
  Effect.gen(function*() {
    const { def, model, original } = update
    const set: Record<string, unknown> = { ...update.changes }
    if (def.versionColumn !== undefined) set[def.versionColumn] = (original[def.versionColumn] as number) + 1
    const result = yield* Query.execute(Query.update(model).set(set as never).where(locate(model, def, original, true)))
    if (result.rowsAffected !== 1) return yield* stale(def, "UPDATE", result.rowsAffected)
  })

const writeDelete = (pending: PendingDelete) =>
  Effect.gen(function*() {
    const { def, entity, model } = pending
    const result = yield* Query.execute(Query.delete(model).where(locate(model, def, entity, true)))
    if (def.versionColumn !== undefined && result.rowsAffected !== 1) return yield* stale(def, "DELETE", result.rowsAffected)
  })

/**
 * Rows of a self-referencing table ordered so that a row comes after the row it points at
 * (by key values given explicitly): MariaDB checks foreign keys row by row inside one
 * multi-row INSERT, PostgreSQL and SQLite at the end of the statement.
 */
const parentsFirst = (def: TableDef, rows: ReadonlyArray<PendingInsert>): ReadonlyArray<PendingInsert> => {
  const selfRefs = def.columns.filter((c) => c.def.references !== undefined && c.def.references().table.def === def)
  if (selfRefs.length === 0 || rows.length < 2) return rows
  const byKey = new Map<string, PendingInsert>()
  for (const row of rows) {
    for (const ref of selfRefs) {
      const target = ref.def.references!().key
      if (row.values[target] !== undefined) byKey.set(`${target}\u0000${keyString(row.values[target])}`, row)
    }
  }
  const out: Array<PendingInsert> = []
  const placed = new Set<PendingInsert>()
  const visiting = new Set<PendingInsert>()
  const place = (row: PendingInsert) => {
    if (placed.has(row) || visiting.has(row)) return
    visiting.add(row)
    for (const ref of selfRefs) {
      const value = row.values[ref.key]
      if (value === null || value === undefined) continue
      const parent = byKey.get(`${ref.def.references!().key}\u0000${keyString(value)}`)
      if (parent !== undefined && parent !== row) place(parent)
    }
    visiting.delete(row)
    placed.add(row)
    out.push(row)
  }
  rows.forEach(place)
  return out
}

/** Writes and empties `changes`; inserted rows join the identity map. */
export const flush = (changes: ChangeSet, identity: IdentityMap): Effect.Effect<void, FlushError, Engine.Engine> =>
  Effect.gen(function*() {
    if (changes.isEmpty) return
    const { deletes, inserts, updates } = changes.take()
    const order = CommitOrder.sort([...new Set([...updates, ...deletes].map((c) => c.def))])
    const rank = new Map(order.map((def, i) => [def, i]))
    const byRank = <T extends { readonly def: TableDef }>(items: ReadonlyArray<T>) =>
      [...items].sort((a, b) => rank.get(a.def)! - rank.get(b.def)!)

    // Inserts, parents first. A parent's drafts join the work list once its key is known.
    let pending: Array<PendingInsert> = inserts
    while (pending.length > 0) {
      const def = CommitOrder.sort([...new Set(pending.map((i) => i.def))])[0]!
      const rows = parentsFirst(def, pending.filter((i) => i.def === def))
      pending = pending.filter((i) => i.def !== def)
      const model = rows[0]!.model
      const created = yield* Query.execute(Query.insert(model).values(rows.map((r) => r.values) as never).returning(model))
      for (const [i, entity] of created.entries()) {
        identity.merge(def, entity as object)
        for (const { relation, rows: drafts } of rows[i]!.children) {
          const key = (entity as Record<string, unknown>)[relation.sourceKey.key]
          const childDef = Table.definition(relation.target)
          for (const draft of drafts) {
            const values = yield* validate(relation.target, childDef, { ...draft, [relation.targetKey.key]: key })
            pending.push({ model: relation.target, def: childDef, values, children: [] })
          }
        }
      }
    }
    for (const update of byRank(updates)) yield* writeUpdate(update)
    for (const pending of byRank(deletes).reverse()) yield* writeDelete(pending)
  })
