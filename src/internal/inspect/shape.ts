/**
 * What reflection and `Inspect.fromMetaData` share, so that both say the same of the same
 * table: the per-dialect `Reflector` contract (implemented in `src/dialect/reflect/*.ts`)
 * and `finish`, the last pass both run (literal columns recognized from their CHECK where
 * there are no enum types, and everything sorted so that two shapes compare with deep
 * equality).
 *
 * Callers: src/Inspect.ts, src/internal/inspect/fromMetaData.ts, src/dialect/reflect/*.ts.
 */
import type { Effect } from "effect"
import type { ReferentialAction } from "../../Column.js"
import type { Engine } from "../../Engine.js"
import type { DatabaseError } from "../../Errors.js"
import type * as Inspect from "../../Inspect.js"

export interface Reflector {
  /** Reads the current schema / database, leaving out the tables named in `exclude`. */
  readonly read: (engine: Engine, exclude: ReadonlySet<string>) => Effect.Effect<Inspect.Schema, DatabaseError>
  /** A server default's canonical SQL text; `undefined` for none (and for DEFAULT NULL). */
  readonly normalizeDefault: (sql: string) => string | undefined
  /** A CHECK expression's canonical SQL text. */
  readonly normalizeCheck: (sql: string) => string
  /** The column type reflection reports for a column whose DDL spells its type `sqlType`. */
  readonly typeOf: (sqlType: string) => Inspect.ColumnType
  /** Whether reflection reports `autoIncrement` for a column retort's DDL writes this way. */
  readonly autoIncrement: (column: { readonly sqlType: string; readonly declared: boolean; readonly soleKey: boolean }) => boolean
  /** The primary key's name as reflection reports it (MariaDB calls every one PRIMARY: `undefined`). */
  readonly primaryKeyName: (name: string) => string | undefined
  /** Unique indexes and unique constraints are one thing here (MariaDB): both are reported as uniques. */
  readonly uniqueIndexesAreConstraints: boolean
  /** A referential action as reflection reports it (MariaDB: RESTRICT is NO ACTION). */
  readonly action: (action: ReferentialAction) => ReferentialAction
  /** Literal columns are enum types (PostgreSQL); elsewhere a VARCHAR with a CHECK (… IN (…)). */
  readonly enumTypes: boolean
  /** The CHECK that makes a string column a literal column: its column and values, if `sql` is one. */
  readonly inList: (sql: string) => { readonly column: string; readonly values: ReadonlyArray<string> } | undefined
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const key = (name: string | undefined, rest: string) => `${name === undefined ? "\u0001" : "\u0000"}${name ?? ""}\u0000${rest}`

/** Sorted by name, the unnamed after the named, by their columns (or text). */
const sorted = <A>(items: ReadonlyArray<A>, name: (a: A) => string | undefined, rest: (a: A) => string): ReadonlyArray<A> =>
  [...items].sort((a, b) => byText(key(name(a), rest(a)), key(name(b), rest(b))))

/**
 * A string column whose length is its longest value, with a CHECK (column IN (values)), is
 * a literal column: the CHECK is how retort's DDL writes one where there are no enum types.
 */
const foldLiterals = (table: Inspect.Table, reflector: Reflector): Inspect.Table => {
  if (reflector.enumTypes) return table
  const literals = new Map<string, ReadonlyArray<string>>()
  const checks: Array<Inspect.Check> = []
  for (const check of table.checks) {
    const list = reflector.inList(check.sql)
    const column = list === undefined ? undefined : table.columns.find((c) => c.name === list.column)
    if (
      list !== undefined && column !== undefined && column.type._tag === "string" && !literals.has(column.name) &&
      list.values.length > 0 && new Set(list.values).size === list.values.length && !list.values.includes("") &&
      column.type.length === Math.max(...list.values.map((v) => v.length))
    ) {
      literals.set(column.name, list.values)
    } else {
      checks.push(check)
    }
  }
  if (literals.size === 0) return table
  return {
    ...table,
    columns: table.columns.map((c) =>
      literals.has(c.name) ? { ...c, type: { _tag: "literal", values: literals.get(c.name)!, enumName: undefined } } : c
    ),
    checks
  }
}

/** The last pass of reflection and of `fromMetaData`: literal columns recognized, everything sorted. */
export const finishTable = (table: Inspect.Table, reflector: Reflector): Inspect.Table => {
  const t = foldLiterals(table, reflector)
  return {
    ...t,
    foreignKeys: sorted(t.foreignKeys, (f) => f.name, (f) => `${f.columns.join(",")}>${f.referencedTable}`),
    indexes: sorted(t.indexes, (i) => i.name, (i) => i.columns.join(",")),
    uniques: sorted(t.uniques, (u) => u.name, (u) => u.columns.join(",")),
    checks: sorted(t.checks, (c) => c.name, (c) => c.sql)
  }
}

/** Tables sorted by name, enums by name. */
export const finishSchema = (schema: Inspect.Schema, reflector: Reflector): Inspect.Schema => ({
  tables: [...schema.tables].map((t) => finishTable(t, reflector)).sort((a, b) => byText(a.name, b.name)),
  enums: [...schema.enums].sort((a, b) => byText(a.name, b.name))
})
