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
}

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
