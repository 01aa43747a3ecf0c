/**
 * What a relationship is at runtime: which columns join the two models (through an
 * association table for many-to-many), whether it yields one instance or many, its
 * cascades, and the relations nested under it for eager loading. Built by
 * `src/Relation.ts`; read by the loader and the session.
 */
import type * as Column from "../../Column.js"
import type * as Expr from "../../Expr.js"
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
  readonly source: Table.Any
  readonly target: Table.Any
  /** The source column whose value finds the related rows. */
  readonly sourceKey: Column.AnyRef
  /** The target column matched against it (unused for many-to-many). */
  readonly targetKey: Column.AnyRef
  readonly through:
    | {
      readonly model: Table.Any
      /** The association column that points at the source. */
      readonly sourceFk: Column.AnyRef
      /** The association column that points at the target. */
      readonly targetFk: Column.AnyRef
      /** The target column `targetFk` points at. */
      readonly targetKey: Column.AnyRef
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

/** The relation behind a `Relation` value (its TypeId field, `Symbol.for("retort/Relation")`). */
const RelationTypeId: symbol = Symbol.for("retort/Relation")

/** The definitions behind relation values, with `options.strategy` (if any) chosen for them. */
export const chooseStrategy = (
  relations: Readonly<Record<string, unknown>>,
  options: { readonly strategy?: unknown } | undefined
): Record<string, RelationDef> => {
  const chosen = checkStrategy(options?.strategy)
  const out: Record<string, RelationDef> = {}
  for (const name of Object.keys(relations)) {
    const def = (relations[name] as Record<symbol, RelationDef>)[RelationTypeId]!
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

/** A stable string for a key value, to group rows by it. */
export const keyString = (value: unknown): string =>
  typeof value === "bigint" ? `${value}n` : typeof value === "object" && value !== null ? JSON.stringify(value) : `${typeof value}:${String(value)}`
