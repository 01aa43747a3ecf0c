/**
 * The DDL compiler: CREATE / DROP statements for a set of tables, in foreign-key order,
 * with one shared algorithm and the dialect's `DdlHooks` for spelling. Called by
 * `src/MetaData.ts`, which validates the tables first (`resolve`).
 */
import type { ReferentialAction } from "../Column.js"
import type { DdlHooks, Dialect } from "../Dialect.js"
import { DefinitionError } from "../Errors.js"
import type { Node } from "./ast/nodes.js"
import { type ColumnInfo, isUniqueKey, type TableDef } from "./tableDef.js"

/** A foreign key, resolved: which column of which table points at which column of which table. */
export interface ForeignKey {
  readonly table: TableDef
  readonly column: ColumnInfo
  readonly target: TableDef
  readonly targetColumn: ColumnInfo
  readonly onDelete: ReferentialAction | undefined
  readonly onUpdate: ReferentialAction | undefined
}

/** Tables in creation order, each with the foreign keys that must wait for an ALTER (cycles). */
export interface Plan {
  readonly tables: ReadonlyArray<TableDef>
  readonly foreignKeys: ReadonlyArray<ForeignKey>
  /** Foreign keys that point at a table created later: added by ALTER TABLE where the dialect can. */
  readonly deferred: ReadonlySet<ForeignKey>
}

const compatible = (a: ColumnInfo, b: ColumnInfo) => {
  const family = (c: ColumnInfo) => (c.def.type._tag === "bigint" ? "integer" : c.def.type._tag)
  return family(a) === family(b)
}

/**
 * Checks the tables as a whole and orders them. Throws `DefinitionError`: a table named
 * twice, a foreign key to a table outside the set or to a column that is not unique.
 */
export const resolve = (tables: ReadonlyArray<TableDef>): Plan => {
  const fail = (message: string, table?: TableDef, column?: ColumnInfo): never => {
    throw new DefinitionError({ message, table: table?.tableName, column: column?.key })
  }
  const byName = new Map<string, TableDef>()
  for (const table of tables) {
    const other = byName.get(table.tableName)
    if (other !== undefined && other !== table) {
      fail(`MetaData: "${other.identifier}" and "${table.identifier}" are both mapped to the table "${table.tableName}"`, table)
    }
    byName.set(table.tableName, table)
  }
  const members = new Set(byName.values())

  const foreignKeys: Array<ForeignKey> = []
  for (const table of members) {
    for (const column of table.columns) {
      if (column.def.references === undefined) continue
      const where = `${table.tableName}.${column.name}`
      let ref
      try {
        ref = column.def.references()
      } catch (cause) {
        fail(`${where}: its references thunk failed (${String(cause)})`, table, column)
      }
      if (ref === undefined || ref._tag !== "ColumnRef") {
        fail(`${where}: references must return a column reference such as () => User.c.id`, table, column)
      }
      const target = ref!.table.def
      if (!members.has(target)) {
        fail(`${where} references ${target.tableName}.${ref!.name}, but table "${target.tableName}" is not in this MetaData`, table, column)
      }
      const targetColumn = target.byKey.get(ref!.key)!
      if (!isUniqueKey(target, [ref!.key])) {
        fail(
          `${where} references ${target.tableName}.${targetColumn.name}, which is neither the primary key nor unique: ` +
            `a foreign key must point at a unique column`,
          table,
          column
        )
      }
      if (!compatible(column, targetColumn)) {
        fail(
          `${where} is ${column.def.type._tag} but references ${target.tableName}.${targetColumn.name}, which is ${targetColumn.def.type._tag}`,
          table,
          column
        )
      }
      if (column.def.onDelete === "setNull" && !column.def.nullable) {
        fail(`${where}: onDelete "setNull" needs a nullable column`, table, column)
      }
      foreignKeys.push({ table, column, target, targetColumn, onDelete: column.def.onDelete, onUpdate: column.def.onUpdate })
    }
  }

  // Kahn's algorithm, stable in the given order; a cycle is broken at the earliest remaining table.
  const order: Array<TableDef> = []
  const created = new Set<TableDef>()
  const remaining = [...members]
  const deferred = new Set<ForeignKey>()
  const parentsOf = (t: TableDef) => foreignKeys.filter((fk) => fk.table === t && fk.target !== t)
  while (remaining.length > 0) {
    let index = remaining.findIndex((t) => parentsOf(t).every((fk) => created.has(fk.target)))
    if (index === -1) {
      index = 0
      for (const fk of parentsOf(remaining[0]!)) if (!created.has(fk.target)) deferred.add(fk)
    }
    const [next] = remaining.splice(index, 1)
    order.push(next!)
    created.add(next!)
  }
  return { tables: order, foreignKeys, deferred }
}

/** Constraint and index names, shortened with a hash where the database would cut them. */
export const nameOf = (hooks: DdlHooks, ...parts: ReadonlyArray<string>) => {
  const full = parts.join("_")
  if (full.length <= hooks.maxIdentifierLength) return full
  let hash = 0
  for (let i = 0; i < full.length; i++) hash = (hash * 31 + full.charCodeAt(i)) >>> 0
  const suffix = hash.toString(36).padStart(7, "0")
  return `${full.slice(0, hooks.maxIdentifierLength - suffix.length - 1)}_${suffix}`
}

/** The enum type a literal column uses on PostgreSQL. */
export const enumName = (table: TableDef, column: ColumnInfo): string =>
  (column.def.type._tag === "literal" ? column.def.type.enumName : undefined) ?? `${table.tableName}_${column.name}`

export const actions: Record<ReferentialAction, string> = {
  cascade: "CASCADE",
  restrict: "RESTRICT",
  setNull: "SET NULL",
  setDefault: "SET DEFAULT",
  noAction: "NO ACTION"
}

/** DDL takes SQL text, constants and `now()`; anything else needs a statement, not a default. */
export const renderNode = (hooks: DdlHooks, node: Node, column: ColumnInfo | undefined): string => {
  if (node._tag === "Raw") return `(${node.sql})`
  if (node._tag === "Literal") return hooks.literal(node)
  if (node._tag === "Func" && node.name === "now") return hooks.call(node, column?.def.type)
  throw new DefinitionError({
    message: `a server default or CHECK must be Expr.raw(…), Expr.literal(…) or Fn.now(), not a ${node._tag} expression`,
    table: undefined,
    column: column?.key
  })
}

export const checkSql = (node: Node, hooks: DdlHooks) => (node._tag === "Raw" ? node.sql : renderNode(hooks, node, undefined))

export const foreignKeyName = (hooks: DdlHooks, fk: ForeignKey) => nameOf(hooks, fk.table.tableName, fk.column.name, "fkey")

const foreignKeySql = (hooks: DdlHooks, fk: ForeignKey) => {
  const q = hooks.quote
  let sql = `FOREIGN KEY (${q(fk.column.name)}) REFERENCES ${q(fk.target.tableName)} (${q(fk.targetColumn.name)})`
  if (fk.onDelete !== undefined) sql += ` ON DELETE ${actions[fk.onDelete]}`
  if (fk.onUpdate !== undefined) sql += ` ON UPDATE ${actions[fk.onUpdate]}`
  return sql
}

const createTable = (dialect: Dialect, plan: Plan, table: TableDef): string => {
  const hooks = dialect.ddl
  const q = hooks.quote
  const names = (keys: ReadonlyArray<string>) => keys.map((k) => table.byKey.get(k)!.name)
  const lines: Array<string> = []
  for (const column of table.columns) {
    const def = column.def
    const auto = table.autoIncrement === column ? hooks.autoIncrement(def.type) : undefined
    let line = `${q(column.name)} ${auto?.type ?? hooks.columnType(def.type, enumName(table, column))}`
    if (!def.nullable) line += " NOT NULL"
    if (def.serverDefault !== undefined) line += ` DEFAULT ${renderNode(hooks, def.serverDefault, column)}`
    if (auto !== undefined && auto.clause !== "") line += ` ${auto.clause}`
    lines.push(line)
  }
  if (table.primaryKey.length > 0) {
    lines.push(
      `CONSTRAINT ${q(nameOf(hooks, table.tableName, "pkey"))} PRIMARY KEY (${names(table.primaryKey).map(q).join(", ")})`
    )
  }
  for (const unique of table.uniques) {
    const cols = names(unique.keys)
    lines.push(`CONSTRAINT ${q(unique.name ?? nameOf(hooks, table.tableName, ...cols, "key"))} UNIQUE (${cols.map(q).join(", ")})`)
  }
  for (const column of table.columns) {
    const type = column.def.type
    if (type._tag === "literal" && !hooks.enumTypes) {
      const values = type.values.map((v) => hooks.literal({ _tag: "Literal", value: v })).join(", ")
      lines.push(`CONSTRAINT ${q(nameOf(hooks, table.tableName, column.name, "values"))} CHECK (${q(column.name)} IN (${values}))`)
    }
    if (column.def.check !== undefined) {
      lines.push(`CONSTRAINT ${q(nameOf(hooks, table.tableName, column.name, "check"))} CHECK (${checkSql(column.def.check, hooks)})`)
    }
  }
  table.checks.forEach((check, i) => {
    lines.push(`CONSTRAINT ${q(check.name ?? nameOf(hooks, table.tableName, `check${i + 1}`))} CHECK (${checkSql(check.expr, hooks)})`)
  })
  for (const fk of plan.foreignKeys) {
    if (fk.table !== table || (hooks.alterForeignKeys && plan.deferred.has(fk))) continue
    lines.push(`CONSTRAINT ${q(foreignKeyName(hooks, fk))} ${foreignKeySql(hooks, fk)}`)
  }
  return `CREATE TABLE IF NOT EXISTS ${q(table.tableName)} (\n  ${lines.join(",\n  ")}\n)${hooks.tableSuffix}`
}

/** The enum types the literal columns need (PostgreSQL), by name, in table order. */
const enumTypes = (plan: Plan): ReadonlyMap<string, ReadonlyArray<string>> => {
  const types = new Map<string, ReadonlyArray<string>>()
  for (const table of plan.tables) {
    for (const column of table.columns) {
      const type = column.def.type
      if (type._tag === "literal" && !types.has(enumName(table, column))) types.set(enumName(table, column), type.values)
    }
  }
  return types
}

/** CREATE statements, in order: enum types, tables, foreign keys closing cycles, indexes. */
export const createStatements = (dialect: Dialect, plan: Plan): ReadonlyArray<string> => {
  const hooks = dialect.ddl
  const q = hooks.quote
  const statements: Array<string> = []
  if (hooks.enumTypes) for (const [name, values] of enumTypes(plan)) statements.push(hooks.createEnum(name, values))
  for (const table of plan.tables) statements.push(createTable(dialect, plan, table))
  if (hooks.alterForeignKeys) {
    for (const fk of plan.deferred) {
      statements.push(hooks.addForeignKey(fk.table.tableName, foreignKeyName(hooks, fk), foreignKeySql(hooks, fk)))
    }
  }
  for (const table of plan.tables) {
    for (const index of table.indexes) {
      const cols = index.keys.map((k) => table.byKey.get(k)!.name)
      const name = index.name ?? nameOf(hooks, "ix", table.tableName, ...cols)
      statements.push(
        `CREATE ${index.unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${q(name)} ON ${q(table.tableName)} (${cols.map(q).join(", ")})`
      )
    }
  }
  return statements
}

/** DROP statements: foreign keys closing cycles, tables children first, enum types. */
export const dropStatements = (dialect: Dialect, plan: Plan): ReadonlyArray<string> => {
  const hooks = dialect.ddl
  const statements: Array<string> = []
  const cyclic = plan.deferred.size > 0
  if (cyclic && hooks.alterForeignKeys) {
    for (const fk of plan.deferred) statements.push(hooks.dropForeignKey(fk.table.tableName, foreignKeyName(hooks, fk)))
  }
  if (cyclic) statements.push(...hooks.aroundCyclicDrop.before)
  for (const table of [...plan.tables].reverse()) statements.push(`DROP TABLE IF EXISTS ${hooks.quote(table.tableName)}`)
  if (cyclic) statements.push(...hooks.aroundCyclicDrop.after)
  if (hooks.enumTypes) for (const name of enumTypes(plan).keys()) statements.push(hooks.dropEnum(name))
  return statements
}
