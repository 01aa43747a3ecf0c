/**
 * The warning a session logs when its scope closes on success with changes it never
 * committed: rows added, updated or deleted but never flushed, or flushed into a
 * transaction never committed (a forgotten `yield* session.commit` is otherwise silent,
 * the changes being rolled back with the session). Registered by `SessionTransaction.ts`
 * on the session's first recorded change; reads the root level's `ChangeSet`.
 *
 * Rows are named by their model and primary key only: column values may be sensitive.
 */
import { Effect, Exit } from "effect"
import * as Table from "../../Table.js"
import type { TableDef } from "../tableDef.js"
import type { ChangeSet } from "./ChangeSet.js"

/** At most this many rows are named; the rest are counted. */
const shown = 10

const keyText = (def: TableDef, values: Readonly<Record<string, unknown>>): string | undefined => {
  const parts = def.primaryKey.map((k) => [k, values[k]] as const)
  if (parts.some(([, v]) => v === undefined)) return undefined
  const text = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : typeof v === "bigint" ? `${v}n` : String(v))
  return parts.length === 1 ? text(parts[0]![1]) : `(${parts.map(([k, v]) => `${k}: ${text(v)}`).join(", ")})`
}

/** One line per pending row: `new User`, `new User 3`, `update User 1 (age, name)`, `delete Post 7`. */
export const describe = (changes: ChangeSet): ReadonlyArray<string> => {
  const rows: Array<string> = []
  for (const insert of changes.inserts) {
    const key = keyText(insert.def, insert.values)
    rows.push(key === undefined ? `new ${insert.def.identifier}` : `new ${insert.def.identifier} ${key}`)
    for (const child of [...insert.children, ...(insert.parents ?? []), ...(insert.links ?? [])]) {
      const target = child.relation.target as Table.Any
      for (const row of child.rows) {
        // An existing instance given to a many-to-many or many-to-one draft is not inserted.
        if (row instanceof (target as unknown as abstract new(...args: Array<never>) => unknown)) continue
        rows.push(`new ${Table.definition(target).identifier} (a draft of ${insert.def.identifier})`)
      }
    }
  }
  for (const update of changes.updates.values()) {
    rows.push(`update ${update.def.identifier} ${keyText(update.def, update.original) ?? "?"} (${Object.keys(update.changes).join(", ")})`)
  }
  for (const del of changes.deletes.values()) rows.push(`delete ${del.def.identifier} ${keyText(del.def, del.entity) ?? "?"}`)
  return rows
}

/**
 * The message: `flushed` says whether the session's transaction holds rows it flushed
 * and never committed, `rows` names the changes still pending.
 */
export const message = (flushed: boolean, rows: ReadonlyArray<string>): string => {
  const parts: Array<string> = []
  if (flushed) parts.push("changes flushed but never committed")
  if (rows.length > 0) {
    const named = rows.length > shown ? `${rows.slice(0, shown).join(", ")} and ${rows.length - shown} more` : rows.join(", ")
    parts.push(`${rows.length === 1 ? "1 change" : `${rows.length} changes`} never flushed (${named})`)
  }
  return `retort: a session was closed with ${parts.join(" and ")}, now rolled back. ` +
    "Was a `yield* session.commit` (or a `yield*` before it) forgotten?"
}

/**
 * The finalizer: on a successful exit, a warning when the session still has pending
 * changes or an uncommitted transaction it flushed rows into. A failed or interrupted
 * scope discards its changes by design (the failure is the report), so it logs nothing.
 */
export const warnIfUnwritten = (changes: ChangeSet, flushed: () => boolean) => (exit: Exit.Exit<unknown, unknown>): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (Exit.isFailure(exit)) return Effect.void
    const uncommitted = flushed()
    if (!uncommitted && changes.isEmpty) return Effect.void
    return Effect.logWarning(message(uncommitted, describe(changes)))
  })
