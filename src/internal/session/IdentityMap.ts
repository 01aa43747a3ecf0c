/**
 * The identity map: within a session, one primary key is one instance. One map per
 * session, shared by its transaction levels; each level reads and writes it through a
 * view (`tracked`) that remembers the keys the level changed, so that a failed level's
 * instances can be evicted (`UnitOfWork.ts`). Written by the session (`src/Session.ts`,
 * `SessionQuery.ts`) when rows come back from queries, inserts and refreshes, and by
 * the persister for the rows it inserts.
 */
import * as Table from "../../Table.js"
import type { TableDef } from "../tableDef.js"

/** The identity of a row: its table and primary key values. */
export const keyOf = (def: TableDef, values: Readonly<Record<string, unknown>>): string =>
  def.primaryKey.length === 1
    ? `${def.tableName}\u0000${stringify(values[def.primaryKey[0]!])}`
    : `${def.tableName}\u0000${def.primaryKey.map((k) => stringify(values[k])).join("\u0000")}`

const stringify = (value: unknown): string =>
  typeof value === "bigint" ? `${value}n` : typeof value === "object" && value !== null ? JSON.stringify(value) : String(value)

/** The model class of an instance. */
export const modelOf = (entity: object): Table.Any => {
  const model = entity.constructor as Table.Any
  if (!(Table.TypeId in model)) throw new TypeError("not an instance of a retort model")
  return model
}

/**
 * A row's id within its table: the primary key value itself for a one-column key of a
 * primitive type (no string is built per row read), else a string of the key's values.
 */
export const idOf = (def: TableDef, values: Readonly<Record<string, unknown>>): unknown => {
  if (def.primaryKey.length === 1) {
    const value = values[def.primaryKey[0]!]
    return typeof value === "object" && value !== null ? stringify(value) : value
  }
  return def.primaryKey.map((k) => stringify(values[k])).join("\u0000")
}

/** Rows a transaction level added, replaced or removed: by `keyOf`, with where each lives. */
export type Touched = Map<string, { readonly table: string; readonly id: unknown }>

/** The identity map as one transaction level sees it: the session's map, recording the keys it changes. */
export interface IdentityView {
  get(def: TableDef, values: Readonly<Record<string, unknown>>): object | undefined
  /** The instance already known for this row, or `entity` (now known). */
  merge<A extends object>(def: TableDef, entity: A): A
  /** `merge` of each row, in place: the array then holds the session's instances. */
  mergeAll(def: TableDef, rows: Array<object>): void
  /** Makes `entity` the instance for its row (after an update or a refresh). */
  replace(def: TableDef, entity: object): void
  remove(def: TableDef, values: Readonly<Record<string, unknown>>): void
}

/**
 * Up to this many rows a table's ids live in one Map; beyond, in `shardCount` Maps. A V8 Map
 * of more than about 4,000 entries has a backing store in the large-object space, which is
 * old: every write of a new instance into it takes the write barrier's slow path and each
 * scavenge revisits it. Building one of 10,000 entries costs ≈ 2.5 ms (0.25 µs per row, more
 * than decoding the row); 256 Maps of 40 cost ≈ 0.4 ms (`bench/README.md`).
 */
const shardAt = 2048
const shardCount = 256

/** A shard for a Map key: the same for keys equal under SameValueZero. */
const shardOf = (id: unknown): number => {
  // Fibonacci hashing: the top byte, so that strided ids (multiples of 256) spread too.
  if (typeof id === "number") return Math.imul(id | 0, 0x9e3779b1) >>> 24
  if (typeof id === "string") {
    const n = id.length
    // The last characters vary most in generated keys (serials, composite keys, UUIDs).
    return n === 0 ? 0 : (id.charCodeAt(n - 1) + 31 * (n > 1 ? id.charCodeAt(n - 2) : 0) + 7 * n) & (shardCount - 1)
  }
  return 0
}

/**
 * Ids that index `TableRows.dense`: non-negative integers (a serial key, the usual one),
 * below a bound that keeps the array's length meaningful. Any other id (a string, a
 * negative or fractional number, a bigint) is a Map key. `1` and `"1"` stay apart: only
 * numbers reach the array.
 */
const denseLimit = 0x3fffffff
const isDense = (id: unknown): id is number => typeof id === "number" && id >>> 0 === id && id <= denseLimit

/**
 * One table's instances by id: the first in two fields; serial ids in an array once a result
 * set has made one, every other id in one Map while small, sharded once large. An array
 * indexed by serial ids holds a row in one slot (8 bytes), where a Map's entry and the copies
 * it makes as it grows allocated about 110 bytes per row of a 10,000-row query (a heap sample
 * of `session.query(User).all` on PostgreSQL: 731 against 624 bytes a row in all,
 * `bench/README.md` stop 29). Rows merged one by one go to the Map until then: an array
 * written at a far index is a dictionary, whose making cost more than a Map's entry (0.34 µs
 * a row, `node .bench/bench/identityProbe.js`). Each id lives in one place only: once the
 * array exists, every serial id is in it.
 */
class TableRows {
  // The first instance lives in two fields: a session made for one lookup (workload d) holds
  // one row, and an array or a Map for it was most of making the session's map (0.5 µs a
  // lookup, `node .bench/bench/identityProbe.js`). An id is either here or in the structures below.
  private firstId: unknown = undefined
  private first: object | undefined = undefined
  private dense: Array<object | undefined> | undefined
  private one: Map<unknown, object> | undefined
  private shards: Array<Map<unknown, object> | undefined> | undefined

  get(id: unknown): object | undefined {
    if (this.first !== undefined && sameId(this.firstId, id)) return this.first
    if (this.dense !== undefined && isDense(id)) return this.dense[id]
    return this.shards === undefined ? this.one?.get(id) : this.shards[shardOf(id)]?.get(id)
  }

  /** `bulk`: a result set is merging (`mergeAll`), the array is worth making. */
  set(id: unknown, entity: object, bulk = false): void {
    if (this.first !== undefined) {
      if (sameId(this.firstId, id)) {
        this.first = entity
        return
      }
    } else if (this.dense === undefined && this.one === undefined && this.shards === undefined) {
      this.firstId = id
      this.first = entity
      return
    }
    if (isDense(id) && (this.dense !== undefined || bulk)) {
      ;(this.dense ??= this.makeDense())[id] = entity
      return
    }
    if (this.shards === undefined) {
      const one = this.one ??= new Map()
      one.set(id, entity)
      if (one.size > shardAt) this.split(one)
      return
    }
    const shards = this.shards
    const i = shardOf(id)
    let shard = shards[i]
    if (shard === undefined) shards[i] = shard = new Map()
    shard.set(id, entity)
  }

  delete(id: unknown): void {
    if (this.first !== undefined && sameId(this.firstId, id)) {
      this.first = undefined
      this.firstId = undefined
      return
    }
    if (this.dense !== undefined && isDense(id)) this.dense[id] = undefined
    else if (this.shards === undefined) this.one?.delete(id)
    else this.shards[shardOf(id)]?.delete(id)
  }

  /** The array, with the serial ids merged one by one before it moved out of the Maps. */
  private makeDense(): Array<object | undefined> {
    const dense: Array<object | undefined> = []
    for (const map of this.shards ?? [this.one]) {
      if (map === undefined) continue
      for (const [id, entity] of map) {
        if (!isDense(id)) continue
        dense[id] = entity
        map.delete(id)
      }
    }
    return dense
  }

  private split(one: Map<unknown, object>): void {
    const shards: Array<Map<unknown, object> | undefined> = new Array(shardCount)
    for (const [id, entity] of one) {
      const i = shardOf(id)
      let shard = shards[i]
      if (shard === undefined) shards[i] = shard = new Map()
      shard.set(id, entity)
    }
    this.shards = shards
    this.one = undefined
  }
}

/** Map's key equality (SameValueZero): `NaN` is itself, bigints compare by value. */
const sameId = (a: unknown, b: unknown): boolean => a === b || (a !== a && b !== b)

export class IdentityMap implements IdentityView {
  // The first table read in two fields, the others in a Map: most sessions read one table.
  private firstTable: string | undefined
  private firstRows: TableRows | undefined
  /** One map per table, keyed by `idOf`. */
  private tables: Map<string, TableRows> | undefined

  private find(table: string): TableRows | undefined {
    return this.firstTable === table ? this.firstRows : this.tables?.get(table)
  }

  private rowsOf(table: string): TableRows {
    if (this.firstTable === table) return this.firstRows!
    if (this.firstTable === undefined) {
      this.firstTable = table
      return this.firstRows = new TableRows()
    }
    const tables = this.tables ??= new Map()
    let rows = tables.get(table)
    if (rows === undefined) tables.set(table, rows = new TableRows())
    return rows
  }

  get(def: TableDef, values: Readonly<Record<string, unknown>>): object | undefined {
    return this.find(def.tableName)?.get(idOf(def, values))
  }

  /** The instance already known for this row, or `entity` (now known). */
  merge<A extends object>(def: TableDef, entity: A): A {
    if (def.primaryKey.length === 0) return entity
    const rows = this.rowsOf(def.tableName)
    const id = idOf(def, entity as Record<string, unknown>)
    const known = rows.get(id)
    if (known !== undefined) return known as A
    rows.set(id, entity)
    return entity
  }

  mergeAll(def: TableDef, rows: Array<object>): void {
    if (def.primaryKey.length === 0) return
    const table = this.rowsOf(def.tableName)
    const single = def.primaryKey.length === 1 ? def.primaryKey[0]! : undefined
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as Record<string, unknown>
      const value = single === undefined ? undefined : row[single]
      // The common case inline: a one-column key of a primitive type is its own id.
      const id = single !== undefined && (typeof value !== "object" || value === null) ? value : idOf(def, row)
      const known = table.get(id)
      if (known !== undefined) rows[i] = known
      else table.set(id, row, true)
    }
  }

  /** Makes `entity` the instance for its row (after an update or a refresh). */
  replace(def: TableDef, entity: object): void {
    if (def.primaryKey.length > 0) this.rowsOf(def.tableName).set(idOf(def, entity as Record<string, unknown>), entity)
  }

  remove(def: TableDef, values: Readonly<Record<string, unknown>>): void {
    this.find(def.tableName)?.delete(idOf(def, values))
  }

  clear(): void {
    this.firstTable = undefined
    this.firstRows = undefined
    this.tables = undefined
  }

  /** Forgets these rows: the next read of each loads it again. */
  evict(touched: Touched): void {
    for (const { id, table } of touched.values()) this.find(table)?.delete(id)
  }

  /** A view that adds to `touched` every row it adds, replaces or removes. */
  tracked(touched: Touched): IdentityView {
    const touch = (def: TableDef, values: Readonly<Record<string, unknown>>) => {
      touched.set(keyOf(def, values), { table: def.tableName, id: idOf(def, values) })
    }
    return {
      get: (def, values) => this.get(def, values),
      merge: <A extends object>(def: TableDef, entity: A): A => {
        if (def.primaryKey.length === 0) return entity
        const known = this.get(def, entity as Record<string, unknown>)
        if (known !== undefined) return known as A
        this.merge(def, entity)
        touch(def, entity as Record<string, unknown>)
        return entity
      },
      mergeAll(def, rows) {
        for (let i = 0; i < rows.length; i++) rows[i] = this.merge(def, rows[i]!)
      },
      replace: (def, entity) => {
        this.replace(def, entity)
        if (def.primaryKey.length > 0) touch(def, entity as Record<string, unknown>)
      },
      remove: (def, values) => {
        this.remove(def, values)
        touch(def, values)
      }
    }
  }
}
