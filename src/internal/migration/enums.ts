/**
 * Autogenerate for PostgreSQL enum types: new types, values added (`AddEnumValue`), and
 * values removed, which PostgreSQL cannot do in place: the type is rebuilt (its columns
 * through text, the type dropped and created again, the columns back), with a note.
 * Dropped types are returned apart: they go last, once nothing uses them. Called by
 * `src/internal/migration/diff.ts`.
 */
import type * as Inspect from "../../Inspect.js"
import type { Operation } from "./operations.js"

/** Enum operations in two groups: before any table change, and after every one. */
export interface EnumChanges {
  readonly first: ReadonlyArray<Operation>
  readonly last: ReadonlyArray<Operation>
}

const usersOf = (schema: Inspect.Schema, name: string) =>
  schema.tables.flatMap((t) =>
    t.columns.filter((c) => c.type._tag === "literal" && c.type.enumName === name).map((c) => ({ table: t.name, column: c }))
  )

/** `from` is the database (after renames), `to` the models. */
export const diffEnums = (from: Inspect.Schema, to: Inspect.Schema): EnumChanges => {
  const first: Array<Operation> = []
  const last: Array<Operation> = []
  for (const target of to.enums) {
    const current = from.enums.find((e) => e.name === target.name)
    if (current === undefined) {
      first.push({ _tag: "CreateEnum", enum: target })
      continue
    }
    const removed = current.values.filter((v) => !target.values.includes(v))
    if (removed.length === 0) {
      for (const value of target.values.filter((v) => !current.values.includes(v))) {
        first.push({ _tag: "AddEnumValue", name: target.name, value })
      }
      continue
    }
    // PostgreSQL has no ALTER TYPE … DROP VALUE: rebuild the type around its columns.
    const note =
      `PostgreSQL cannot drop a value from an enum type: "${target.name}" loses ${removed.map((v) => `'${v}'`).join(", ")}, so the type is ` +
      `rebuilt (its columns go through text, the type is dropped and created again). Review: rows holding a removed value make ` +
      `the cast back fail, and a column default naming the type must be dropped first.`
    const users = usersOf(from, target.name)
    users.forEach(({ table, column }, i) => {
      first.push({
        _tag: "AlterColumn",
        table,
        column: column.name,
        type: { _tag: "text" },
        previous: column,
        ...(i === 0 ? { note } : {})
      })
    })
    first.push({ _tag: "DropEnum", name: current.name, previous: current, ...(users.length === 0 ? { note } : {}) })
    first.push({ _tag: "CreateEnum", enum: target })
    for (const { table, column } of users) {
      first.push({
        _tag: "AlterColumn",
        table,
        column: column.name,
        type: { _tag: "literal", values: target.values, enumName: target.name },
        previous: { ...column, type: { _tag: "text" } }
      })
    }
  }
  for (const current of from.enums) {
    if (!to.enums.some((e) => e.name === current.name)) last.push({ _tag: "DropEnum", name: current.name, previous: current })
  }
  return { first, last }
}
