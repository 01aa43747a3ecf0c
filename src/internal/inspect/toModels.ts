/**
 * TypeScript source of `Table.Class` models for a reflected schema (what `retort inspect
 * --models` prints, like sqlacodegen or drizzle-kit pull). Names are kept exactly: a
 * unique, index or CHECK whose name is not the one retort's DDL would give is written with
 * its name in the table options; server defaults are `Expr.raw` of the reflected text.
 *
 * Caller: `Inspect.toModels` (src/Inspect.ts).
 */
import type * as Inspect from "../../Inspect.js"

const words = (name: string) => name.split(/[^A-Za-z0-9]+/).filter((w) => w !== "")

const camel = (name: string) => {
  const parts = words(name)
  if (parts.length === 0) return "column"
  const [first, ...rest] = parts
  const joined = first!.slice(0, 1).toLowerCase() + first!.slice(1) + rest.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("")
  return /^[0-9]/.test(joined) ? `_${joined}` : joined
}

const singular = (word: string) =>
  /ies$/i.test(word) && word.length > 4
    ? `${word.slice(0, -3)}y`
    : /(ss|us|is)$/i.test(word) || word.length <= 3
    ? word
    : /s$/i.test(word)
    ? word.slice(0, -1)
    : word

const pascal = (name: string) => {
  const parts = words(name)
  if (parts.length === 0) return "Model"
  parts[parts.length - 1] = singular(parts[parts.length - 1]!)
  const joined = parts.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("")
  return /^[0-9]/.test(joined) ? `T${joined}` : joined
}

/** Names the generated code must not take (its own imports and export). */
const taken = new Set(["Column", "Expr", "MetaData", "Table", "Schema", "metadata"])

const unique = (base: string, used: Set<string>) => {
  let name = base
  for (let i = 2; used.has(name); i++) name = `${base}${i}`
  used.add(name)
  return name
}

const str = (s: string) => JSON.stringify(s)
const strs = (xs: ReadonlyArray<string>) => `[${xs.map(str).join(", ")}]`

const ddlName = (...parts: ReadonlyArray<string>) => parts.join("_")

interface Model {
  readonly table: Inspect.Table
  readonly className: string
  readonly fields: ReadonlyMap<string, string>
}

const columnSource = (
  model: Model,
  column: Inspect.Column,
  models: ReadonlyMap<string, Model>,
  uses: Set<string>
): string => {
  const table = model.table
  const field = model.fields.get(column.name)!
  const options: Array<string> = []
  const pk = table.primaryKey?.columns
  const solePk = pk !== undefined && pk.length === 1 && pk[0] === column.name
  if (solePk) options.push("primaryKey: true")
  const integer = column.type._tag === "integer" || column.type._tag === "bigint"
  if (solePk && integer && !column.autoIncrement) options.push("autoIncrement: false")
  if (column.nullable) options.push("nullable: true")
  if (field !== column.name) options.push(`name: ${str(column.name)}`)
  if (table.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column.name && u.name === ddlName(table.name, column.name, "key"))) {
    options.push("unique: true")
  }
  if (table.indexes.some((i) => !i.unique && i.columns.length === 1 && i.columns[0] === column.name && i.name === ddlName("ix", table.name, column.name))) {
    options.push("index: true")
  }
  if (column.default !== undefined) {
    uses.add("Expr")
    options.push(`serverDefault: Expr.raw(${str(column.default)})`)
  }
  const fk = table.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === column.name)
  const target = fk === undefined ? undefined : models.get(fk.referencedTable)
  const targetField = fk === undefined || target === undefined ? undefined : target.fields.get(fk.referencedColumns[0]!)
  if (fk !== undefined && target !== undefined && targetField !== undefined) {
    options.push(`references: (): Column.AnyRef => ${target.className}.c.${targetField}`)
    if (fk.onDelete !== "noAction") options.push(`onDelete: ${str(fk.onDelete)}`)
    if (fk.onUpdate !== "noAction") options.push(`onUpdate: ${str(fk.onUpdate)}`)
  }
  const t = column.type
  const opts = (extra: ReadonlyArray<string> = []) => {
    const all = [...extra, ...options]
    return all.length === 0 ? "" : `{ ${all.join(", ")} }`
  }
  switch (t._tag) {
    case "numeric":
      return `Column.numeric(${opts([`precision: ${t.precision}`, `scale: ${t.scale}`])})`
    case "string":
      return `Column.string(${opts(t.length === undefined ? [] : [`length: ${t.length}`])})`
    case "dateTime":
      return `Column.dateTime(${opts(t.timezone ? ["timezone: true"] : [])})`
    case "json":
      uses.add("Schema")
      return `Column.json(Schema.Unknown${options.length === 0 ? "" : `, ${opts()}`})`
    case "custom":
      uses.add("Schema")
      return `Column.custom(Schema.String, ${opts([`sqlType: ${str(t.sqlType)}`])})`
    case "literal": {
      const extra = t.enumName !== undefined && t.enumName !== ddlName(table.name, column.name) ? [`enumName: ${str(t.enumName)}`] : []
      const values = t.values.map(str).join(", ")
      return extra.length + options.length === 0 ? `Column.literal(${values})` : `Column.literal(${values}).with(${opts(extra)})`
    }
    default:
      return `Column.${t._tag}(${opts()})`
  }
}

const tableOptions = (model: Model): string => {
  const table = model.table
  const f = (names: ReadonlyArray<string>) => strs(names.map((n) => model.fields.get(n) ?? n))
  const parts: Array<string> = []
  const pk = table.primaryKey?.columns
  if (pk !== undefined && pk.length > 1) parts.push(`primaryKey: ${f(pk)}`)
  const uniques = table.uniques.filter((u) => !(u.columns.length === 1 && u.name === ddlName(table.name, u.columns[0]!, "key")))
  if (uniques.length > 0) {
    parts.push(`uniques: [${uniques.map((u) => (u.name === undefined ? f(u.columns) : `{ columns: ${f(u.columns)}, name: ${str(u.name)} }`)).join(", ")}]`)
  }
  const indexes = table.indexes.filter((i) => i.unique || !(i.columns.length === 1 && i.name === ddlName("ix", table.name, i.columns[0]!)))
  if (indexes.length > 0) {
    parts.push(`indexes: [${indexes.map((i) => `{ columns: ${f(i.columns)}, name: ${str(i.name)}${i.unique ? ", unique: true" : ""} }`).join(", ")}]`)
  }
  if (table.checks.length > 0) {
    parts.push(`checks: [${table.checks.map((c) => (c.name === undefined ? `Expr.raw(${str(c.sql)})` : `{ expr: Expr.raw(${str(c.sql)}), name: ${str(c.name)} }`)).join(", ")}]`)
  }
  return parts.length === 0 ? "" : `, {\n  ${parts.join(",\n  ")}\n}`
}

export const toModels = (schema: Inspect.Schema, importFrom: string): string => {
  const classNames = new Set(taken)
  const models = new Map<string, Model>()
  for (const table of schema.tables) {
    const used = new Set<string>()
    const fields = new Map<string, string>()
    for (const column of table.columns) fields.set(column.name, unique(camel(column.name), used))
    models.set(table.name, { table, className: unique(pascal(table.name), classNames), fields })
  }
  const uses = new Set<string>(["Column", "MetaData", "Table"])
  const classes: Array<string> = []
  for (const model of models.values()) {
    if (model.table.checks.length > 0) uses.add("Expr")
    const columns = model.table.columns.map((c) => `  ${model.fields.get(c.name)!}: ${columnSource(model, c, models, uses)}`)
    const n = model.className
    classes.push(
      `export class ${n} extends Table.Class<${n}>(${str(n)})(${str(model.table.name)}, {\n${columns.join(",\n")}\n}${tableOptions(model)}) {}`
    )
  }
  const retort = ["Column", "Expr", "MetaData", "Table"].filter((u) => uses.has(u))
  const lines = [
    "/**",
    " * Models generated by `Inspect.toModels` from a live database. Review before use.",
    " */",
    ...(uses.has("Schema") ? [`import { Schema } from "effect"`] : []),
    `import { ${retort.join(", ")} } from ${str(importFrom)}`,
    "",
    ...classes.flatMap((c) => [c, ""]),
    `export const metadata = MetaData.make(${[...models.values()].map((m) => m.className).join(", ")})`,
    ""
  ]
  return lines.join("\n")
}
