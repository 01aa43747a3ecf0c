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

/** The identity map as one transaction level sees it: the session's map, recording the keys it changes. */
export interface IdentityView {
  get(key: string): object | undefined
  /** The instance already known for this row, or `entity` (now known). */
  merge<A extends object>(def: TableDef, entity: A): A
  /** Makes `entity` the instance for its row (after an update or a refresh). */
  replace(def: TableDef, entity: object): void
  remove(key: string): void
}

export class IdentityMap implements IdentityView {
  private readonly entries = new Map<string, object>()

  get(key: string): object | undefined {
    return this.entries.get(key)
  }

  /** The instance already known for this row, or `entity` (now known). */
  merge<A extends object>(def: TableDef, entity: A): A {
    if (def.primaryKey.length === 0) return entity
    const key = keyOf(def, entity as Record<string, unknown>)
    const known = this.entries.get(key)
    if (known !== undefined) return known as A
    this.entries.set(key, entity)
    return entity
  }

  /** Makes `entity` the instance for its row (after an update or a refresh). */
  replace(def: TableDef, entity: object): void {
    if (def.primaryKey.length > 0) this.entries.set(keyOf(def, entity as Record<string, unknown>), entity)
  }

  remove(key: string): void {
    this.entries.delete(key)
  }

  clear(): void {
    this.entries.clear()
  }

  /** Forgets these rows: the next read of each loads it again. */
  evict(keys: Iterable<string>): void {
    for (const key of keys) this.entries.delete(key)
  }

  /** A view that adds to `touched` every key it adds, replaces or removes. */
  tracked(touched: Set<string>): IdentityView {
    return {
      get: (key) => this.entries.get(key),
      merge: <A extends object>(def: TableDef, entity: A): A => {
        if (def.primaryKey.length === 0) return entity
        const key = keyOf(def, entity as Record<string, unknown>)
        const known = this.entries.get(key)
        if (known !== undefined) return known as A
        this.entries.set(key, entity)
        touched.add(key)
        return entity
      },
      replace: (def, entity) => {
        this.replace(def, entity)
        if (def.primaryKey.length > 0) touched.add(keyOf(def, entity as Record<string, unknown>))
      },
      remove: (key) => {
        this.remove(key)
        touched.add(key)
      }
    }
  }
}
