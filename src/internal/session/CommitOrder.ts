/**
 * The order in which tables are written: parents before children (a topological sort
 * over foreign keys), so that inserts never reference rows not yet written; deletes run
 * in the reverse order. Tables whose foreign keys form a cycle cannot all come after
 * their parents: they are ordered so that the foreign keys pointing forward, at a table
 * written later, are nullable ones wherever the cycle has them. Those are the keys the
 * persister inserts NULL and updates afterwards (SQLAlchemy's post_update), and clears
 * before deleting. Called by the persister at flush (`Persister.ts`).
 */
import type { ColumnInfo, TableDef } from "../tableDef.js"

/** One foreign key: `column` of `table` points at the field `targetKey` of `target`. */
export interface ForeignKey {
  readonly table: TableDef
  readonly column: ColumnInfo
  readonly target: TableDef
  readonly targetKey: string
}

const cache = new WeakMap<TableDef, ReadonlyArray<ForeignKey>>()

/** The foreign keys of a table, its self-references included. */
export const foreignKeys = (table: TableDef): ReadonlyArray<ForeignKey> => {
  let keys = cache.get(table)
  if (keys === undefined) {
    keys = table.columns.flatMap((column) => {
      if (column.def.references === undefined) return []
      const ref = column.def.references()
      return [{ table, column, target: ref.table.def, targetKey: ref.key }]
    })
    cache.set(table, keys)
  }
  return keys
}

/** Groups of tables that reference each other (strongly connected), parents' groups first. */
const components = (tables: ReadonlyArray<TableDef>): ReadonlyArray<ReadonlyArray<TableDef>> => {
  // Tarjan's algorithm: a group is complete once every table it references is placed, so
  // groups come out parents first.
  const members = new Set(tables)
  const index = new Map<TableDef, number>()
  const low = new Map<TableDef, number>()
  const stack: Array<TableDef> = []
  const onStack = new Set<TableDef>()
  const out: Array<Array<TableDef>> = []
  const visit = (table: TableDef) => {
    index.set(table, index.size)
    low.set(table, index.get(table)!)
    stack.push(table)
    onStack.add(table)
    for (const { target } of foreignKeys(table)) {
      if (target === table || !members.has(target)) continue
      if (!index.has(target)) {
        visit(target)
        low.set(table, Math.min(low.get(table)!, low.get(target)!))
      } else if (onStack.has(target)) low.set(table, Math.min(low.get(table)!, index.get(target)!))
    }
    if (low.get(table) !== index.get(table)) return
    const group: Array<TableDef> = []
    let member: TableDef
    do {
      member = stack.pop()!
      onStack.delete(member)
      group.push(member)
    } while (member !== table)
    out.push(group)
  }
  for (const table of tables) if (!index.has(table)) visit(table)
  return out
}

/**
 * Sorts `tables` parents first. Within a cycle, only the required (NOT NULL) foreign keys
 * order the tables, so the nullable ones are those left pointing forward; a cycle of
 * required keys keeps the given order (its rows, if they really reference each other,
 * fail with `CircularDependencyError` at insert).
 */
export const sort = (tables: ReadonlyArray<TableDef>): ReadonlyArray<TableDef> => {
  const out: Array<TableDef> = []
  for (const group of components(tables)) {
    if (group.length === 1) {
      out.push(group[0]!)
      continue
    }
    const inGroup = new Set(group)
    const done = new Set<TableDef>()
    const visiting = new Set<TableDef>()
    const visit = (table: TableDef) => {
      if (done.has(table) || visiting.has(table)) return
      visiting.add(table)
      for (const fk of foreignKeys(table)) {
        if (fk.target !== table && inGroup.has(fk.target) && !fk.column.def.nullable) visit(fk.target)
      }
      visiting.delete(table)
      done.add(table)
      out.push(table)
    }
    tables.filter((t) => inGroup.has(t)).forEach(visit)
  }
  return out
}

/** The required foreign keys among the tables of `table`'s cycle: what an error names. */
export const requiredCycle = (table: TableDef, tables: ReadonlyArray<TableDef>): ReadonlyArray<ForeignKey> => {
  const group = components(tables).find((g) => g.includes(table)) ?? [table]
  const inGroup = new Set(group)
  return group.flatMap((t) => foreignKeys(t).filter((fk) => inGroup.has(fk.target) && !fk.column.def.nullable))
}
