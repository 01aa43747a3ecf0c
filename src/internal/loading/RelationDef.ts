/**
 * What a relationship is at runtime: which columns join the two models (through an
 * association table for many-to-many), whether it yields one instance or many, its
 * cascades, and the relations nested under it for eager loading. Built by
 * `src/Relation.ts`; read by the loader and the session.
 */
import type * as Column from "../../Column.js"
import * as Expr from "../../Expr.js"
import type * as Table from "../../Table.js"

export interface RelationDef {
  /**
   * The relation's identity, shared by its `with(…)` variants: what an eager load
   * recorded for one is served to a lazy load of any of them.
   */
  readonly id: symbol
  /** For messages: the name given, else `oneToMany(User, Post)`. */
  readonly name: string
  readonly kind: "oneToMany" | "manyToOne" | "oneToOne" | "manyToMany"
  /** Loads one instance (or null) rather than an array. */
  readonly single: boolean
  /**
   * Which rows hold the foreign key: the target's (one-to-many, and one-to-one keyed on the
   * target), the source's (many-to-one, one-to-one keyed on the source) or the association
   * table's (many-to-many). Says which row of a draft is inserted first.
   */
  readonly keyOn: "source" | "target" | "through"
  readonly source: Table.Any
  readonly target: Table.Any
  /**
   * The source columns whose values find the related rows: one, or several for a
   * composite foreign key (`foreignKey: [Line.c.orderId, Line.c.lineNo]`).
   */
  readonly sourceKeys: ReadonlyArray<Column.AnyRef>
  /** The target columns matched against them, pair by pair (unused for many-to-many). */
  readonly targetKeys: ReadonlyArray<Column.AnyRef>
  readonly through:
    | {
      readonly model: Table.Any
      /** The association columns that point at the source. */
      readonly sourceFks: ReadonlyArray<Column.AnyRef>
      /** The association columns that point at the target. */
      readonly targetFks: ReadonlyArray<Column.AnyRef>
      /** The target columns `targetFks` point at. */
      readonly targetKeys: ReadonlyArray<Column.AnyRef>
    }
    | undefined
  readonly cascade: { readonly delete: boolean; readonly deleteOrphan: boolean }
  readonly nested: Readonly<Record<string, RelationDef>>
  /** The order of the related rows; the target's primary key after it, so that it is total. */
  readonly orderBy: ReadonlyArray<Expr.Expr<any> | Expr.Order>
  /** How an eager load fetches it unless told otherwise: the definition's `strategy` option. */
  readonly strategy: Strategy
  /**
   * Set by `relation.with(nested, { strategy })` on the nested relations, and by
   * `resolveStrategies` on a query's: the strategy that wins over the definition's.
   */
  readonly chosen: Strategy | undefined
}

/**
 * `"selectin"`: one more query per relation and level (IN lists of the parents' keys);
 * `"joined"`: in the parents' statement, through LEFT JOINs.
 */
export type Strategy = "selectin" | "joined"

/**
 * The relations of a query with their strategies settled, nested levels too: a strategy
 * set on a level (`chosen`) holds for the levels under it that set none, else each takes
 * its definition's.
 */
export const resolveStrategies = (
  relations: Readonly<Record<string, RelationDef>>,
  inherited: Strategy | undefined
): Readonly<Record<string, RelationDef>> => {
  const out: Record<string, RelationDef> = {}
  for (const name of Object.keys(relations)) {
    const def = relations[name]!
    const given = def.chosen ?? inherited
    out[name] = { ...def, chosen: given ?? def.strategy, nested: resolveStrategies(def.nested, given) }
  }
  return out
}

const strategies: ReadonlySet<unknown> = new Set(["selectin", "joined"])

/** Checks a strategy given without types: a typo fails where it is written, not as a silent selectin. */
export const checkStrategy = (strategy: unknown): Strategy | undefined => {
  if (strategy === undefined || strategies.has(strategy)) return strategy as Strategy | undefined
  throw new TypeError(`strategy: "selectin" or "joined", not ${JSON.stringify(strategy)}`)
}

/** The field of a `Relation` value that holds its definition (`Relation.TypeId`). */
export const RelationTypeId: unique symbol = Symbol.for("retort/Relation")

/** The definitions behind relation values, with `options.strategy` (if any) chosen for them. */
export const chooseStrategy = (
  relations: Readonly<Record<string, unknown>>,
  options: { readonly strategy?: unknown } | undefined
): Record<string, RelationDef> => {
  const chosen = checkStrategy(options?.strategy)
  const out: Record<string, RelationDef> = {}
  for (const name of Object.keys(relations)) {
    const def = (relations[name] as { readonly [RelationTypeId]: RelationDef })[RelationTypeId]
    out[name] = chosen === undefined ? def : { ...def, chosen }
  }
  return out
}

/** The strategy a resolved relation loads with. */
export const strategyOf = (def: RelationDef): Strategy => def.chosen ?? def.strategy

/** Relations by source model (for cascades) and by target model (for orphans). */
const bySource = new WeakMap<Table.Any, Array<RelationDef>>()
const byTarget = new WeakMap<Table.Any, Array<RelationDef>>()

export const register = (def: RelationDef): void => {
  bySource.set(def.source, [...(bySource.get(def.source) ?? []), def])
  byTarget.set(def.target, [...(byTarget.get(def.target) ?? []), def])
}

export const fromSource = (model: Table.Any): ReadonlyArray<RelationDef> => bySource.get(model) ?? []
export const toTarget = (model: Table.Any): ReadonlyArray<RelationDef> => byTarget.get(model) ?? []

/** A stable string for a key value (an array of them for a composite key), to group rows by it. */
export const keyString = (value: unknown): string =>
  typeof value === "bigint"
    ? `${value}n`
    : Array.isArray(value)
    ? value.map(keyString).join("\u0000")
    : typeof value === "object" && value !== null
    ? JSON.stringify(value)
    : `${typeof value}:${String(value)}`

/**
 * The key of `entity` in `columns`: the value of the one column, or the array of the
 * values of several; `null` when a part is null (a composite key with a null part
 * matches nothing, as in SQL).
 */
export const keyValue = (entity: object, columns: ReadonlyArray<Column.AnyRef>): unknown => {
  if (columns.length === 1) return (entity as Record<string, unknown>)[columns[0]!.key]
  const parts = columns.map((c) => (entity as Record<string, unknown>)[c.key])
  return parts.some((p) => p === null || p === undefined) ? null : parts
}

/** `columns IN keys` (a tuple IN for several columns), for keys as `keyValue` gives them. */
export const keyIn = (columns: ReadonlyArray<Column.AnyRef>, keys: ReadonlyArray<unknown>): Expr.Expr<boolean> =>
  columns.length === 1 ? columns[0]!.in(keys as never) : (Expr.tuple as any)(...columns).in(keys)

/** `a1 = b1 AND a2 = b2 …`, pair by pair. */
export const keysEqual = (a: ReadonlyArray<Column.AnyRef>, b: ReadonlyArray<Column.AnyRef>): Expr.Expr<boolean> =>
  a.length === 1 ? a[0]!.eq(b[0] as never) : Expr.and(...a.map((column, i) => column.eq(b[i] as never)))
