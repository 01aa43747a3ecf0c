/**
 * The identity map: within a session, one primary key is one instance. Called by the
 * session (`src/Session.ts`) when rows come back from queries, inserts and refreshes.
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

export class IdentityMap {
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
}
