/**
 * A reflected schema as text for people: one block per table (columns in aligned rows,
 * then keys, indexes and constraints) and the enum types. Called by `retort inspect`.
 */
import type * as Inspect from "../Inspect.js"

/** A column type in SQL-ish words. */
export const typeText = (type: Inspect.ColumnType): string => {
  switch (type._tag) {
    case "string":
      return type.length === undefined ? "string" : `string(${type.length})`
    case "numeric":
      return `numeric(${type.precision}, ${type.scale})`
    case "dateTime":
      return `dateTime(${type.timezone ? "tz, " : ""}${type.precision})`
    case "time":
      return `time(${type.precision})`
    case "literal":
      return `${type.enumName ?? "literal"}(${type.values.map((v) => `'${v}'`).join(", ")})`
    case "custom":
      return type.sqlType
    default:
      return type._tag
  }
}

const pad = (rows: ReadonlyArray<ReadonlyArray<string>>): ReadonlyArray<string> => {
  const widths = rows.reduce<Array<number>>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), [])
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd())
}

const cols = (names: ReadonlyArray<string>) => `(${names.join(", ")})`

/** One block per table, then the enum types. */
export const schemaText = (schema: Inspect.Schema): string => {
  const blocks = schema.tables.map((t) => {
    const pk = new Set(t.primaryKey?.columns ?? [])
    const rows = t.columns.map((c) => [
      `  ${c.name}`,
      typeText(c.type),
      c.nullable ? "null" : "not null",
      [pk.has(c.name) ? "PK" : "", c.autoIncrement ? "identity" : "", c.default !== undefined ? `default ${c.default}` : ""]
        .filter((s) => s !== "").join(" ")
    ])
    const extra = [
      ...(t.primaryKey && t.primaryKey.columns.length > 1 ? [`  primary key ${cols(t.primaryKey.columns)}`] : []),
      ...t.foreignKeys.map((fk) =>
        `  foreign key ${fk.name ?? ""} ${cols(fk.columns)} -> ${fk.referencedTable} ${cols(fk.referencedColumns)}` +
        `${fk.onDelete !== "noAction" ? ` on delete ${fk.onDelete}` : ""}${fk.onUpdate !== "noAction" ? ` on update ${fk.onUpdate}` : ""}`
      ),
      ...t.indexes.map((i) => `  ${i.unique ? "unique index" : "index"} ${i.name} ${cols(i.columns)}`),
      ...t.uniques.map((u) => `  unique ${u.name ?? ""} ${cols(u.columns)}`),
      ...t.checks.map((c) => `  check ${c.name ?? ""} (${c.sql})`)
    ].map((line) => line.replace(/ {2,}/g, (m, offset: number) => (offset === 0 ? m : " ")))
    return [t.name, ...pad(rows), ...extra].join("\n")
  })
  const enums = schema.enums.map((e) => `enum ${e.name} (${e.values.map((v) => `'${v}'`).join(", ")})`)
  if (blocks.length === 0 && enums.length === 0) return "(no tables)"
  return [...blocks, ...(enums.length > 0 ? [enums.join("\n")] : [])].join("\n\n")
}
