/**
 * An ER diagram of a resolved table set, in Mermaid's `erDiagram` syntax. Called by
 * `MetaData.toMermaid`.
 */
import type { ColumnType } from "../Column.js"
import type { Plan } from "./ddl.js"
import { isUniqueKey } from "./tableDef.js"

/** Mermaid attribute types are single words: the retort column kind, with its size. */
const typeName = (type: ColumnType): string => {
  switch (type._tag) {
    case "string":
      return type.length === undefined ? "varchar" : `varchar_${type.length}`
    case "numeric":
      return `numeric_${type.precision}_${type.scale}`
    case "dateTime":
      return type.timezone ? "timestamptz" : "timestamp"
    case "literal":
      return "enum"
    case "custom":
      return typeof type.sqlType === "string" ? type.sqlType.replace(/\W+/g, "_").toLowerCase() : "custom"
    default:
      return type._tag.toLowerCase()
  }
}

const entity = (name: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : `"${name}"`)

export const toMermaid = (plan: Plan): string => {
  const lines = ["erDiagram"]
  for (const table of plan.tables) {
    lines.push(`    ${entity(table.tableName)} {`)
    for (const column of table.columns) {
      const keys: Array<string> = []
      if (table.primaryKey.includes(column.key)) keys.push("PK")
      if (plan.foreignKeys.some((fk) => fk.table === table && fk.column === column)) keys.push("FK")
      if (!keys.includes("PK") && isUniqueKey(table, [column.key])) keys.push("UK")
      const notes: Array<string> = []
      if (column.def.nullable) notes.push("nullable")
      if (column.def.type._tag === "literal") notes.push(column.def.type.values.join(" | "))
      let line = `        ${typeName(column.def.type)} ${column.name}`
      if (keys.length > 0) line += ` ${keys.join(", ")}`
      if (notes.length > 0) line += ` "${notes.join(", ").replace(/"/g, "'")}"`
      lines.push(line)
    }
    lines.push("    }")
  }
  for (const fk of plan.foreignKeys) {
    // Parent side: exactly one unless the reference is optional. Child side: many, or at most one when unique.
    const parent = fk.column.def.nullable ? "|o" : "||"
    const child = isUniqueKey(fk.table, [fk.column.key]) ? "o|" : "o{"
    lines.push(`    ${entity(fk.target.tableName)} ${parent}--${child} ${entity(fk.table.tableName)} : "${fk.column.name}"`)
  }
  return lines.join("\n")
}
