/**
 * Rename detection for autogenerate: a table (or a column) that disappears while another of
 * exactly the same shape appears is offered as a rename, when it is the only candidate both
 * ways. The reflected schema is then rewritten under the new names, so the rest of the diff
 * compares like with like. Called by `src/internal/migration/diff.ts`.
 */
import type * as Inspect from "../../Inspect.js"
import type { Operation } from "./operations.js"
import { columnShape, tableShape } from "./shapes.js"

/** The rename operations and the reflected schema as it is once they have run. */
export interface Renamed {
  readonly operations: ReadonlyArray<Operation>
  readonly schema: Inspect.Schema
  /** Tables dropped while others are created, with no unique rename between them: worth a review. */
  readonly unpairedTables: boolean
  /** Per table (new name), whether columns are dropped while others are added with no unique rename. */
  readonly unpairedColumns: ReadonlySet<string>
}

/** Pairs `removed` with `added` where each has exactly one candidate of the same shape. */
const pairs = <A>(removed: ReadonlyArray<A>, added: ReadonlyArray<A>, shape: (a: A) => string): ReadonlyArray<readonly [A, A]> => {
  const out: Array<readonly [A, A]> = []
  for (const r of removed) {
    const candidates = added.filter((a) => shape(a) === shape(r))
    if (candidates.length !== 1) continue
    const back = removed.filter((o) => shape(o) === shape(candidates[0]!))
    if (back.length === 1) out.push([r, candidates[0]!])
  }
  return out
}

const renameIn = (names: ReadonlyArray<string>, map: ReadonlyMap<string, string>) => names.map((n) => map.get(n) ?? n)

/** The table under the renames: its own name, its columns, and what its keys point at. */
const rewrite = (
  table: Inspect.Table,
  tables: ReadonlyMap<string, string>,
  columns: ReadonlyMap<string, ReadonlyMap<string, string>>
): Inspect.Table => {
  const name = tables.get(table.name) ?? table.name
  const own = columns.get(name) ?? new Map<string, string>()
  return {
    ...table,
    name,
    columns: table.columns.map((c) => ({ ...c, name: own.get(c.name) ?? c.name })),
    primaryKey: table.primaryKey && { ...table.primaryKey, columns: renameIn(table.primaryKey.columns, own) },
    foreignKeys: table.foreignKeys.map((fk) => {
      const target = tables.get(fk.referencedTable) ?? fk.referencedTable
      return {
        ...fk,
        columns: renameIn(fk.columns, own),
        referencedTable: target,
        referencedColumns: renameIn(fk.referencedColumns, columns.get(target) ?? new Map())
      }
    }),
    indexes: table.indexes.map((i) => ({ ...i, columns: renameIn(i.columns, own) })),
    uniques: table.uniques.map((u) => ({ ...u, columns: renameIn(u.columns, own) }))
  }
}

/** Finds the renames from `from` (the database) to `to` (the models). */
export const detectRenames = (from: Inspect.Schema, to: Inspect.Schema): Renamed => {
  const toNames = new Set(to.tables.map((t) => t.name))
  const fromNames = new Set(from.tables.map((t) => t.name))
  const removedTables = from.tables.filter((t) => !toNames.has(t.name))
  const addedTables = to.tables.filter((t) => !fromNames.has(t.name))
  const operations: Array<Operation> = []

  const tableMap = new Map<string, string>()
  for (const [r, a] of pairs(removedTables, addedTables, tableShape)) {
    tableMap.set(r.name, a.name)
    operations.push({
      _tag: "RenameTable",
      from: r.name,
      to: a.name,
      note: `Guessed rename: table "${r.name}" disappears and "${a.name}" appears with the same columns and keys. Review: if it is a new table, replace this with dropTable + createTable.`
    })
  }
  const unpairedTables = removedTables.length > tableMap.size && addedTables.length > tableMap.size

  const columnMap = new Map<string, Map<string, string>>()
  const unpairedColumns = new Set<string>()
  for (const table of from.tables) {
    const name = tableMap.get(table.name) ?? table.name
    const target = to.tables.find((t) => t.name === name)
    if (target === undefined || tableMap.has(table.name)) continue
    const removed = table.columns.filter((c) => !target.columns.some((o) => o.name === c.name))
    const added = target.columns.filter((c) => !table.columns.some((o) => o.name === c.name))
    const found = pairs(removed, added, columnShape)
    if (found.length > 0) {
      columnMap.set(name, new Map(found.map(([r, a]) => [r.name, a.name])))
      for (const [r, a] of found) {
        operations.push({
          _tag: "RenameColumn",
          table: name,
          from: r.name,
          to: a.name,
          note: `Guessed rename: column "${name}.${r.name}" disappears and "${a.name}" appears with the same type, nullability and default. Review: if it is a new column, replace this with dropColumn + addColumn.`
        })
      }
    }
    if (removed.length > found.length && added.length > found.length) unpairedColumns.add(name)
  }

  return {
    operations,
    schema: { ...from, tables: from.tables.map((t) => rewrite(t, tableMap, columnMap)) },
    unpairedTables,
    unpairedColumns
  }
}
