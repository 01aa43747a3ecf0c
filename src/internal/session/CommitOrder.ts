/**
 * The order in which tables are written: parents before children (a topological sort
 * over foreign keys), so that inserts never reference rows not yet written; deletes run
 * in the reverse order. Called by the persister at flush.
 */
import type { TableDef } from "../tableDef.js"

/** The tables a table's foreign keys point at (itself excluded). */
const parentsOf = (table: TableDef): ReadonlyArray<TableDef> =>
  table.columns.flatMap((c) => {
    if (c.def.references === undefined) return []
    const target = c.def.references().table.def
    return target === table ? [] : [target]
  })

/** Sorts `tables` parents first; tables in a cycle keep their relative order. */
export const sort = (tables: ReadonlyArray<TableDef>): ReadonlyArray<TableDef> => {
  const members = new Set(tables)
  const done = new Set<TableDef>()
  const visiting = new Set<TableDef>()
  const out: Array<TableDef> = []
  const visit = (table: TableDef) => {
    if (done.has(table) || visiting.has(table)) return
    visiting.add(table)
    for (const parent of parentsOf(table)) if (members.has(parent)) visit(parent)
    visiting.delete(table)
    done.add(table)
    out.push(table)
  }
  tables.forEach(visit)
  return out
}
