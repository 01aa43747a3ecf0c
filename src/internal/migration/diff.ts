/**
 * Autogenerate's pure comparison: the operations that turn one schema (the database, as
 * reflected) into another (the models, as `Inspect.fromMetaData` describes them), in an
 * order that applies cleanly, each carrying the `previous` state its inverse needs.
 *
 * Order: renames; enum types created or extended; foreign keys, indexes, uniques and checks
 * that go away; tables dropped (children first); tables created (parents first); columns
 * added, altered, dropped; indexes, uniques and checks added; foreign keys added; enum
 * types dropped. A primary key or identity change has no operation of its own: the table
 * is dropped and created again, with a note (its rows are lost).
 *
 * Called by `Migrator.diff` (src/internal/migration/autogenerate.ts) and the unit tests.
 */
import type * as Inspect from "../../Inspect.js"
import { diffEnums } from "./enums.js"
import type { Operation } from "./operations.js"
import { detectRenames } from "./renames.js"
import { canonical, list, matchChecks, matchForeignKeys, matchIndexes, matchUniques, sameType } from "./shapes.js"

/** What the comparison needs to know of the database family. */
export interface DiffOptions {
  /** Named enum types (PostgreSQL): literal columns of one type compare by the type, not their values. */
  readonly nativeEnum: boolean
}

type Stage =
  | "dropForeignKeys" | "dropConstraints" | "dropTables" | "createTables" | "addColumns"
  | "alterColumns" | "dropColumns" | "addConstraints" | "addForeignKeys"

const stages: ReadonlyArray<Stage> = [
  "dropForeignKeys", "dropConstraints", "dropTables", "createTables", "addColumns",
  "alterColumns", "dropColumns", "addConstraints", "addForeignKeys"
]

/** Why a table present on both sides must be dropped and created again, if it must. */
const rebuildReason = (from: Inspect.Table, to: Inspect.Table): string | undefined => {
  if (canonical(from.primaryKey?.columns ?? []) !== canonical(to.primaryKey?.columns ?? [])) {
    return `its primary key changes from ${list(from.primaryKey?.columns ?? [])} to ${list(to.primaryKey?.columns ?? [])}`
  }
  for (const c of to.columns) {
    const old = from.columns.find((o) => o.name === c.name)
    if (old !== undefined && old.autoIncrement !== c.autoIncrement) {
      return `column "${c.name}" ${c.autoIncrement ? "becomes" : "is no longer"} an identity column`
    }
  }
  return undefined
}

/** A note for a constraint the database reports without a name: the drop cannot name it. */
const unnamed = (name: string | undefined, table: string, what: string): { note?: string } =>
  name === undefined
    ? { note: `The database reports this ${what} of "${table}" without a name: write its name here before you apply this.` }
    : {}

/** Tables in an order where each comes after the tables it references (cycles broken by name). */
const parentsFirst = (tables: ReadonlyArray<Inspect.Table>): ReadonlyArray<Inspect.Table> => {
  const names = new Set(tables.map((t) => t.name))
  const placed = new Set<string>()
  const out: Array<Inspect.Table> = []
  const rest = [...tables].sort((a, b) => (a.name < b.name ? -1 : 1))
  while (rest.length > 0) {
    const ready = (t: Inspect.Table) =>
      t.foreignKeys.every((fk) => fk.referencedTable === t.name || !names.has(fk.referencedTable) || placed.has(fk.referencedTable))
    const i = Math.max(0, rest.findIndex(ready))
    const [t] = rest.splice(i, 1)
    placed.add(t!.name)
    out.push(t!)
  }
  return out
}

/** The operations turning `from` (reflected) into `to` (models). */
export const diffSchemas = (from: Inspect.Schema, to: Inspect.Schema, options: DiffOptions): ReadonlyArray<Operation> => {
  const renamed = detectRenames(from, to)
  const current = renamed.schema
  const enums = diffEnums(current, to)
  const out: Record<Stage, Array<Operation>> = Object.fromEntries(stages.map((s) => [s, []])) as never
  const fromByName = new Map(current.tables.map((t) => [t.name, t]))
  const toByName = new Map(to.tables.map((t) => [t.name, t]))

  const rebuilt = new Map<string, string>()
  for (const t of to.tables) {
    const old = fromByName.get(t.name)
    const reason = old && rebuildReason(old, t)
    if (reason !== undefined) rebuilt.set(t.name, reason)
  }
  const dropped = current.tables.filter((t) => !toByName.has(t.name) || rebuilt.has(t.name))
  const created = to.tables.filter((t) => !fromByName.has(t.name) || rebuilt.has(t.name))
  const gone = new Set(dropped.map((t) => t.name))
  const pairNote = (what: string) =>
    `Review: ${what}; if one is the other renamed, replace the drop and the create with a rename (its rows are kept).`

  for (const table of current.tables) {
    if (gone.has(table.name)) continue
    const target = toByName.get(table.name)!
    const fks = matchForeignKeys(table.foreignKeys, target.foreignKeys)
    // A foreign key into a table that is dropped (or rebuilt) goes first, and comes back at the end.
    const intoGone = (fk: Inspect.ForeignKey) => gone.has(fk.referencedTable)
    const kept = target.foreignKeys.filter((fk) => !fks.added.includes(fk))
    for (const fk of [...fks.removed, ...table.foreignKeys.filter((fk) => intoGone(fk) && !fks.removed.includes(fk))]) {
      out.dropForeignKeys.push({ _tag: "DropForeignKey", table: table.name, name: fk.name ?? "", previous: fk, ...unnamed(fk.name, table.name, "foreign key") })
    }
    for (const fk of [...fks.added, ...kept.filter(intoGone)]) {
      out.addForeignKeys.push({ _tag: "AddForeignKey", table: table.name, foreignKey: fk })
    }

    const ix = matchIndexes(table.indexes, target.indexes)
    const uq = matchUniques(table.uniques, target.uniques)
    const ck = matchChecks(table.checks, target.checks)
    for (const i of ix.removed) out.dropConstraints.push({ _tag: "DropIndex", table: table.name, name: i.name, previous: i })
    for (const u of uq.removed) {
      out.dropConstraints.push({ _tag: "DropUnique", table: table.name, name: u.name ?? "", previous: u, ...unnamed(u.name, table.name, "unique constraint") })
    }
    for (const c of ck.removed) {
      out.dropConstraints.push({ _tag: "DropCheck", table: table.name, name: c.name ?? "", previous: c, ...unnamed(c.name, table.name, "check constraint") })
    }
    for (const i of ix.added) out.addConstraints.push({ _tag: "CreateIndex", table: table.name, index: i })
    for (const u of uq.added) out.addConstraints.push({ _tag: "AddUnique", table: table.name, unique: u })
    for (const c of ck.added) out.addConstraints.push({ _tag: "AddCheck", table: table.name, check: c })

    const unpaired = renamed.unpairedColumns.has(table.name)
    const addedNames = target.columns.filter((c) => !table.columns.some((o) => o.name === c.name)).map((c) => c.name)
    const droppedNames = table.columns.filter((c) => !target.columns.some((o) => o.name === c.name)).map((c) => c.name)
    const columnNote: { note?: string } = unpaired
      ? { note: pairNote(`in "${table.name}", ${list(droppedNames)} are dropped and ${list(addedNames)} added`) }
      : {}
    for (const column of target.columns) {
      const old = table.columns.find((c) => c.name === column.name)
      if (old === undefined) {
        const risky = !column.nullable && column.default === undefined && !column.autoIncrement
        const notes = [
          ...(unpaired ? [columnNote.note!] : []),
          ...(risky ? [`"${table.name}.${column.name}" is NOT NULL without a server default: this fails if the table has rows. Review.`] : [])
        ]
        out.addColumns.push({ _tag: "AddColumn", table: table.name, column, ...(notes.length > 0 ? { note: notes.join(" ") } : {}) })
        continue
      }
      const type = sameType(old.type, column.type, options.nativeEnum) ? {} : { type: column.type }
      const nullable = old.nullable === column.nullable ? {} : { nullable: column.nullable }
      const def = (old.default ?? null) === (column.default ?? null) ? {} : { default: column.default ?? null }
      if (Object.keys(type).length + Object.keys(nullable).length + Object.keys(def).length === 0) continue
      const note = nullable.nullable === false && column.default === undefined
        ? { note: `"${table.name}.${column.name}" becomes NOT NULL: this fails if a row holds NULL. Review.` }
        : {}
      out.alterColumns.push({ _tag: "AlterColumn", table: table.name, column: column.name, ...type, ...nullable, ...def, previous: old, ...note })
    }
    // Last column first, so that down (which adds them back in reverse) restores their order.
    for (const column of [...table.columns].reverse()) {
      if (target.columns.some((c) => c.name === column.name)) continue
      out.dropColumns.push({ _tag: "DropColumn", table: table.name, column: column.name, previous: column, ...columnNote })
    }
  }

  const tableNote = (t: Inspect.Table, verb: string) => {
    const reason = rebuilt.get(t.name)
    if (reason !== undefined) {
      return { note: `"${t.name}" is ${verb} because ${reason}: retort has no operation that changes this in place, and the table's rows are lost. Review.` }
    }
    return renamed.unpairedTables
      ? { note: pairNote(`${list(dropped.filter((d) => !rebuilt.has(d.name)).map((d) => d.name))} are dropped and ${list(created.filter((c) => !rebuilt.has(c.name)).map((c) => c.name))} created`) }
      : {}
  }
  for (const t of [...parentsFirst(dropped)].reverse()) {
    out.dropTables.push({ _tag: "DropTable", table: t.name, previous: t, ...tableNote(t, "dropped and created again") })
  }
  const exists = new Set(current.tables.filter((t) => !gone.has(t.name)).map((t) => t.name))
  for (const t of parentsFirst(created)) {
    exists.add(t.name)
    const later = t.foreignKeys.filter((fk) => !exists.has(fk.referencedTable))
    const table = { ...t, foreignKeys: t.foreignKeys.filter((fk) => !later.includes(fk)) }
    out.createTables.push({ _tag: "CreateTable", table, ...(rebuilt.has(t.name) ? tableNote(t, "dropped and created again") : tableNote(t, "created")) })
    for (const fk of later) out.addForeignKeys.push({ _tag: "AddForeignKey", table: t.name, foreignKey: fk })
  }

  return [...renamed.operations, ...enums.first, ...stages.flatMap((s) => out[s]), ...enums.last]
}
