/**
 * Equality of reflected shapes for autogenerate: canonical keys of columns, constraints and
 * whole tables (names left out where a rename must still match), and the matching of one
 * side's constraints with the other's. Called by `src/internal/migration/diff.ts` and
 * `src/internal/migration/renames.ts`.
 */
import type * as Inspect from "../../Inspect.js"

/** JSON with object keys sorted, so that two equal values built in different orders give one text. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v)

/**
 * Column types are equal; with native enums (PostgreSQL) two literal types of the same enum
 * type are equal whatever their values, since the enum's values are compared on their own.
 */
export const sameType = (a: Inspect.ColumnType, b: Inspect.ColumnType, nativeEnum: boolean): boolean =>
  nativeEnum && a._tag === "literal" && b._tag === "literal" && a.enumName !== undefined && a.enumName === b.enumName
    ? true
    : canonical(a) === canonical(b)

/** A column without its name: what must match for a rename. */
export const columnShape = (c: Inspect.Column): string =>
  canonical({ type: c.type, nullable: c.nullable, default: c.default ?? null, autoIncrement: c.autoIncrement })

const fkShape = (fk: Inspect.ForeignKey) =>
  canonical({ c: fk.columns, t: fk.referencedTable, r: fk.referencedColumns, d: fk.onDelete, u: fk.onUpdate })

/** A table without its own name nor its constraints' names: what must match for a table rename. */
export const tableShape = (t: Inspect.Table): string =>
  canonical({
    columns: [...t.columns].sort((a, b) => (a.name < b.name ? -1 : 1)).map((c) => [c.name, columnShape(c)]),
    primaryKey: t.primaryKey?.columns ?? null,
    foreignKeys: t.foreignKeys.map(fkShape).sort(),
    indexes: t.indexes.map((i) => canonical({ c: i.columns, u: i.unique })).sort(),
    uniques: t.uniques.map((u) => canonical(u.columns)).sort(),
    checks: t.checks.map((c) => c.sql).sort()
  })

/** The items of `from` with no equal in `to`, and those of `to` with no equal in `from`. */
export interface Matched<A> {
  readonly removed: ReadonlyArray<A>
  readonly added: ReadonlyArray<A>
}

/**
 * Pairs constraints of the same shape; a name counts when both sides have one (reflection
 * of an unnamed constraint and a model's generated name still match by shape).
 */
const matchBy = <A extends { readonly name: string | undefined }>(
  from: ReadonlyArray<A>,
  to: ReadonlyArray<A>,
  shape: (a: A) => string
): Matched<A> => {
  const left = [...to]
  const removed: Array<A> = []
  for (const item of from) {
    const key = shape(item)
    const sameName = left.findIndex((o) => shape(o) === key && o.name !== undefined && o.name === item.name)
    const i = sameName !== -1
      ? sameName
      : left.findIndex((o) => shape(o) === key && (o.name === undefined || item.name === undefined))
    if (i === -1) removed.push(item)
    else left.splice(i, 1)
  }
  return { removed, added: left }
}

/** Foreign keys of a table, matched by columns, target and actions. */
export const matchForeignKeys = (from: ReadonlyArray<Inspect.ForeignKey>, to: ReadonlyArray<Inspect.ForeignKey>) =>
  matchBy(from, to, fkShape)

/** Indexes, matched by name, columns and uniqueness (an index always has a name). */
export const matchIndexes = (from: ReadonlyArray<Inspect.Index>, to: ReadonlyArray<Inspect.Index>) =>
  matchBy(from, to, (i) => canonical({ n: i.name, c: i.columns, u: i.unique }))

/** Unique constraints, matched by columns. */
export const matchUniques = (from: ReadonlyArray<Inspect.Unique>, to: ReadonlyArray<Inspect.Unique>) =>
  matchBy(from, to, (u) => canonical(u.columns))

/** Check constraints, matched by their normalized SQL. */
export const matchChecks = (from: ReadonlyArray<Inspect.Check>, to: ReadonlyArray<Inspect.Check>) =>
  matchBy(from, to, (c) => c.sql)

/** `(a, b)` for messages. */
export const list = (names: ReadonlyArray<string>): string => `(${names.join(", ")})`
