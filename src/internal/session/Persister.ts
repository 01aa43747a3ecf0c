/**
 * The persister: writes one transaction level's pending changes at flush, as INSERT
 * (batched into multi-row statements, generated keys read back with RETURNING), UPDATE
 * (changed columns only, guarded by the version column) and DELETE (in reverse
 * dependency order). Rows whose foreign keys form a cycle are inserted with the nullable
 * key NULL and updated once the rows they point at exist; before such rows are deleted
 * that key is cleared. Drafts (`Drafts.ts`) join the inserts as the rows they wait for are
 * written. `flush` is called only by `SessionTransaction.ts`, at the
 * level's own transaction level; `validate` and `locate` also serve the session's `add`
 * and its reads (`src/Session.ts`, `SessionQuery.ts`).
 */
import { Effect, Either, Equal } from "effect"
import type * as Engine from "../../Engine.js"
import { CircularDependencyError, type DatabaseError, type DecodeError, EncodeError, type HookFailed, StaleDataError } from "../../Errors.js"
import * as Events from "../../Events.js"
import * as Expr from "../../Expr.js"
import * as Query from "../../Query.js"
import * as Table from "../../Table.js"
import type { TableDef } from "../tableDef.js"
import { insertValues, instantiate, validateInsert } from "../rows.js"
import { type ChangeSet, noDrafts, type PendingDelete, type PendingInsert, type PendingUpdate } from "./ChangeSet.js"
import { keyString } from "../loading/RelationDef.js"
import * as CommitOrder from "./CommitOrder.js"
import * as Drafts from "./Drafts.js"
import type { IdentityView } from "./IdentityMap.js"
import { prepareUpdate } from "./UnitOfWork.js"

type FlushError = DatabaseError | DecodeError | EncodeError | StaleDataError | CircularDependencyError | HookFailed

/**
 * Validates a row for insert (the model's insert schema, client defaults). `again`: even a
 * row validated before, as a hook may hand back the row it was given, changed.
 */
export const validate = (model: Table.Any, def: TableDef, values: unknown, again = false): Effect.Effect<Record<string, unknown>, EncodeError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed((again ? validateInsert : insertValues)(model, def, values, true))
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

/** Writes an update; returns the fields written (the changes and the new version). */
const writeUpdate = (update: PendingUpdate) =>
  Effect.gen(function*() {
    const { def, model, original } = update
    const set: Record<string, unknown> = { ...update.changes }
    if (def.versionColumn !== undefined) set[def.versionColumn] = (original[def.versionColumn] as number) + 1
    const result = yield* Query.execute(Query.update(model).set(set as never).where(locate(model, def, original, true)))
    if (result.rowsAffected !== 1) return yield* stale(def, "UPDATE", result.rowsAffected)
    return set
  })

/**
 * Runs `beforeUpdate`: the row it returns instead is checked as `session.update` checks
 * changes, and its changed fields join the update (and the identity map's instance).
 */
const beforeUpdate = (update: PendingUpdate, hooks: Events.ResolvedModel | undefined, identity: IdentityView) =>
  Effect.gen(function*() {
    if (hooks?.beforeUpdate === undefined) return update
    const row = instantiate(update.model, { ...update.original, ...update.changes }) as Record<string, unknown>
    const returned = (yield* hooks.beforeUpdate(row, update.original, update.changes)) as Record<string, unknown> | undefined
    if (returned === undefined) return update
    const diff = Object.fromEntries(Object.entries(returned).filter(([k, v]) => k in row && !Equal.equals(row[k], v)))
    if (Object.keys(diff).length === 0) return update
    const changes = { ...update.changes, ...diff }
    const prepared = prepareUpdate(update.original, changes)
    if (Either.isLeft(prepared)) return yield* Effect.fail(prepared.left)
    identity.replace(update.def, prepared.right.next)
    return { ...update, changes }
  })

const writeDelete = (pending: PendingDelete) =>
  Effect.gen(function*() {
    const { def, entity, model } = pending
    const result = yield* Query.execute(Query.delete(model).where(locate(model, def, entity, true)))
    if (def.versionColumn !== undefined && result.rowsAffected !== 1) return yield* stale(def, "DELETE", result.rowsAffected)
  })

/** Field values to write after the INSERT, per row: the foreign keys inserted NULL. */
type Deferred = Map<PendingInsert, Record<string, unknown>>

const defer = (deferred: Deferred, row: PendingInsert, key: string, value: unknown) => {
  const set = deferred.get(row)
  if (set === undefined) deferred.set(row, { [key]: value })
  else set[key] = value
}

const describeKey = (fk: CommitOrder.ForeignKey) =>
  `${fk.table.tableName}.${fk.column.name} → ${fk.target.tableName}.${fk.target.byKey.get(fk.targetKey)?.name ?? fk.targetKey}`

const cycleError = (def: TableDef, tables: ReadonlyArray<TableDef>) => {
  const keys = CommitOrder.requiredCycle(def, tables)
  const names = [...new Set([def, ...keys.map((k) => k.table)].map((t) => t.tableName))]
  const cycle = keys.length > 0 ? keys.map(describeKey) : [`${def.tableName} → ${def.tableName}`]
  return new CircularDependencyError({
    message: `rows of ${names.join(", ")} reference each other through foreign keys that are all required (${cycle.join(", ")}): ` +
      `no order of INSERTs can write them; make one of these columns nullable, and it is inserted NULL and updated after`,
    tables: names,
    cycle
  })
}

/**
 * Rows of a self-referencing table ordered so that a row comes after the row it points at
 * (by key values given explicitly): MariaDB checks foreign keys row by row inside one
 * multi-row INSERT, PostgreSQL and SQLite at the end of the statement. Where rows point
 * at each other in a cycle, the key that closes it is deferred when nullable; a required
 * one is left to the statement (which PostgreSQL and SQLite accept).
 */
const parentsFirst = (def: TableDef, rows: ReadonlyArray<PendingInsert>, deferred: Deferred): ReadonlyArray<PendingInsert> => {
  const selfRefs = CommitOrder.foreignKeys(def).filter((fk) => fk.target === def)
  if (selfRefs.length === 0) return rows
  const byKey = new Map<string, PendingInsert>()
  for (const row of rows) {
    for (const { targetKey } of selfRefs) {
      if (row.values[targetKey] !== undefined) byKey.set(`${targetKey}\u0000${keyString(row.values[targetKey])}`, row)
    }
  }
  const out: Array<PendingInsert> = []
  const placed = new Set<PendingInsert>()
  const visiting = new Set<PendingInsert>()
  const place = (row: PendingInsert) => {
    if (placed.has(row) || visiting.has(row)) return
    visiting.add(row)
    for (const { column, targetKey } of selfRefs) {
      const value = row.values[column.key]
      if (value === null || value === undefined) continue
      const parent = byKey.get(`${targetKey}\u0000${keyString(value)}`)
      if (parent === undefined || parent === row) continue
      if (visiting.has(parent)) {
        if (column.def.nullable) defer(deferred, row, column.key, value)
      } else place(parent)
    }
    visiting.delete(row)
    placed.add(row)
    out.push(row)
  }
  rows.forEach(place)
  return out
}

/**
 * Defers the foreign keys of `rows` that point at rows of other tables still to be
 * inserted in this flush (only a cycle leaves such a table for later); fails with
 * `CircularDependencyError` when such a key is required.
 */
const deferForward = (
  def: TableDef,
  rows: ReadonlyArray<PendingInsert>,
  later: ReadonlyArray<PendingInsert>,
  deferred: Deferred
): Effect.Effect<void, CircularDependencyError> => {
  const forward = CommitOrder.foreignKeys(def).filter((fk) => fk.target !== def && later.some((r) => r.def === fk.target))
  if (forward.length === 0) return Effect.void
  for (const fk of forward) {
    const keys = new Set(later.filter((r) => r.def === fk.target).map((r) => keyString(r.values[fk.targetKey])))
    for (const row of rows) {
      const value = row.values[fk.column.key]
      if (value === null || value === undefined || !keys.has(keyString(value))) continue
      if (!fk.column.def.nullable) return Effect.fail(cycleError(def, [...new Set([...rows, ...later].map((r) => r.def))]))
      defer(deferred, row, fk.column.key, value)
    }
  }
  return Effect.void
}

/**
 * Clears the nullable foreign keys by which rows to delete point at rows deleted in this
 * flush before them, or at themselves (a cycle, a self-reference): afterwards no DELETE
 * is refused for a reference about to disappear anyway.
 */
const clearBeforeDelete = (ordered: ReadonlyArray<PendingDelete>) =>
  Effect.gen(function*() {
    const tables = new Set(ordered.map((p) => p.def))
    const nullable = new Map([...tables].map((def) => [
      def,
      CommitOrder.foreignKeys(def).filter((fk) => fk.column.def.nullable && tables.has(fk.target))
    ]))
    if (ordered.length === 0 || [...nullable.values()].every((fks) => fks.length === 0)) return
    // Where each row to delete comes in the order, by table, key field and key value.
    const position = new Map<string, number>()
    const at = (def: TableDef, key: string, value: unknown) => `${def.tableName}\u0000${key}\u0000${keyString(value)}`
    for (const fks of nullable.values()) {
      for (const fk of fks) {
        ordered.forEach((p, i) => {
          if (p.def === fk.target) position.set(at(p.def, fk.targetKey, p.entity[fk.targetKey]), i)
        })
      }
    }
    for (const [i, pending] of ordered.entries()) {
      const set: Record<string, unknown> = {}
      for (const fk of nullable.get(pending.def)!) {
        const value = pending.entity[fk.column.key]
        if (value === null || value === undefined) continue
        const target = position.get(at(fk.target, fk.targetKey, value))
        // A row pointing at itself too: InnoDB refuses to delete it otherwise.
        if (target !== undefined && target <= i) set[fk.column.key] = null
      }
      if (Object.keys(set).length === 0) continue
      yield* Query.execute(Query.update(pending.model).set(set as never).where(locate(pending.model, pending.def, pending.entity)))
    }
  })

/**
 * Runs `beforeInsert` on rows of one table; a row it returns instead is validated again.
 * New pending objects: the deferred keys of this flush are kept by row object.
 */
const beforeInsert = (rows: ReadonlyArray<PendingInsert>, hooks: Events.ResolvedModel | undefined) =>
  hooks?.beforeInsert === undefined ? Effect.succeed(rows) : Effect.forEach(rows, (row) =>
    Effect.flatMap(hooks.beforeInsert!(row.values), (returned) =>
      returned === undefined ? Effect.succeed(row) : Effect.map(validate(row.model, row.def, returned, true), (values) => ({ ...row, values }))))

/**
 * `session.insert`'s INSERT of one row, with the model's insert hooks (the caller runs
 * it without them when the model has none, validating nothing twice).
 */
export const insertOne = (model: Table.Any, def: TableDef, input: unknown, hooks: Events.ResolvedModel) =>
  Effect.gen(function*() {
    const values = yield* validate(model, def, input)
    const [row] = yield* beforeInsert([{ model, def, values, children: noDrafts }], hooks)
    const [created] = yield* Query.execute(Query.insert(model).values([row!.values] as never).returning(model))
    if (hooks.afterInsert !== undefined) yield* hooks.afterInsert(created as object)
    return created as object
  })

/**
 * Writes and empties `changes`; inserted rows join the identity map. The model hooks of
 * `events` run in the order rows are written, once per row; the flush hooks around it.
 */
export const flush = (changes: ChangeSet, identity: IdentityView, events: Events.Registry = Events.empty): Effect.Effect<void, FlushError, Engine.Engine> =>
  Effect.gen(function*() {
    if (changes.isEmpty) return
    // beforeFlush may record more changes: taken after it.
    yield* events.beforeFlush
    const { deletes, inserts, updates } = changes.take()
    const order = CommitOrder.sort([...new Set([...updates, ...deletes].map((c) => c.def))])
    const rank = new Map(order.map((def, i) => [def, i]))
    const byRank = <T extends { readonly def: TableDef }>(items: ReadonlyArray<T>) =>
      [...items].sort((a, b) => rank.get(a.def)! - rank.get(b.def)!)

    // Inserts, parents first. A parent's drafts join the work list once its key is known.
    const deferred: Deferred = new Map()
    const afterwards: Array<{ readonly model: Table.Any; readonly def: TableDef; readonly entity: object; readonly set: Record<string, unknown> }> = []
    // Rows with many-to-one or many-to-many drafts wait for the rows they point at.
    let pending: Array<PendingInsert> = Drafts.expand(inserts)
    while (pending.length > 0) {
      const def = CommitOrder.sort([...new Set(pending.map((i) => i.def))])[0]!
      const hooks = events.models.get(pending.find((i) => i.def === def)!.model)
      const rows = parentsFirst(def, yield* beforeInsert(pending.filter((i) => i.def === def), hooks), deferred)
      pending = pending.filter((i) => i.def !== def)
      yield* deferForward(def, rows, pending, deferred)
      const values = rows.map((row) => {
        const set = deferred.get(row)
        return set === undefined ? row.values : { ...row.values, ...Object.fromEntries(Object.keys(set).map((k) => [k, null])) }
      })
      const model = rows[0]!.model
      const created = yield* Query.execute(Query.insert(model).values(values as never).returning(model))
      for (const [i, entity] of created.entries()) {
        identity.merge(def, entity as object)
        const row = rows[i]!
        if (hooks?.afterInsert !== undefined) yield* hooks.afterInsert(entity as object)
        const set = deferred.get(row)
        if (set !== undefined) afterwards.push({ model, def, entity: entity as object, set })
        // A row with no drafts waiting on it (most rows) costs no Effect step here.
        if (row.releases !== undefined && row.releases.length > 0) pending.push(...(yield* Drafts.release(row, entity as Record<string, unknown>)))
        for (const { relation, rows: drafts } of row.children) {
          // Each foreign key column from the parent's column it points at (several for a composite key).
          const key = Object.fromEntries(relation.targetKeys.map((t, k) => [t.key, (entity as Record<string, unknown>)[relation.sourceKeys[k]!.key]]))
          const childDef = Table.definition(relation.target)
          for (const draft of drafts) {
            const values = yield* validate(relation.target, childDef, { ...draft, ...key })
            pending.push({ model: relation.target, def: childDef, values, children: noDrafts })
          }
        }
      }
    }
    // The deferred foreign keys, now that every row they point at exists.
    for (const { def, entity, model, set } of afterwards) {
      yield* Query.execute(Query.update(model).set(set as never).where(locate(model, def, entity as Record<string, unknown>)))
      identity.replace(def, instantiate(model, { ...entity, ...set }) as object)
    }
    for (const pendingUpdate of byRank(updates)) {
      const hooks = events.models.get(pendingUpdate.model)
      const update = yield* beforeUpdate(pendingUpdate, hooks, identity)
      const set = yield* writeUpdate(update)
      if (hooks?.afterUpdate !== undefined) {
        yield* hooks.afterUpdate(instantiate(update.model, { ...update.original, ...set }) as object, update.original, update.changes)
      }
    }
    const ordered = byRank(deletes).reverse()
    for (const pending of ordered) {
      const hook = events.models.get(pending.model)?.beforeDelete
      if (hook !== undefined) yield* hook(pending.entity)
    }
    yield* clearBeforeDelete(ordered)
    for (const pending of ordered) {
      yield* writeDelete(pending)
      const hook = events.models.get(pending.model)?.afterDelete
      if (hook !== undefined) yield* hook(pending.entity)
    }
    yield* events.afterFlush
  })
