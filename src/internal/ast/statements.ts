/**
 * The statement nodes of the AST (SELECT, compounds, INSERT, UPDATE, DELETE and their
 * parts). Re-exported by `nodes.ts`, which holds the expression nodes and constructors.
 */
import type * as Table from "../../Table.js"
import type { TableDef } from "../tableDef.js"
import type { Node, ValueType } from "./nodes.js"

/** An ordering term. */
export interface OrderTerm {
  readonly node: Node
  readonly direction: "asc" | "desc"
  readonly nulls: "first" | "last" | undefined
}

/** A table (or an alias of it) in FROM. */
export interface TableSource {
  readonly _tag: "Table"
  readonly table: TableDef
  readonly alias: string | undefined
}

/** A subquery in FROM: `(SELECT …) AS alias`. */
export interface SubquerySource {
  readonly _tag: "Subquery"
  readonly query: SelectStatement
  readonly alias: string
}

/** A common table expression, referred to by name; the compiler emits its WITH clause. */
export interface CteSource {
  readonly _tag: "Cte"
  readonly name: string
  readonly query: SelectStatement
  readonly recursive: boolean
  readonly columns: ReadonlyArray<string>
}

export type Source = TableSource | SubquerySource | CteSource

export interface Join {
  readonly kind: "inner" | "left"
  readonly source: Source
  readonly on: Node
}

/** A selected column: its expression, its output name, and how its value decodes. */
export interface Selection {
  readonly node: Node
  readonly alias: string
  readonly type: ValueType
  readonly nullable: boolean
}

export interface Select {
  readonly _tag: "Select"
  readonly selection: ReadonlyArray<Selection>
  readonly from: Source | undefined
  readonly joins: ReadonlyArray<Join>
  readonly where: Node | undefined
  readonly groupBy: ReadonlyArray<Node>
  readonly having: Node | undefined
  readonly orderBy: ReadonlyArray<OrderTerm>
  readonly limit: number | undefined
  readonly offset: number | undefined
  readonly distinct: boolean
  /** CTEs named explicitly with `.with(…)` (others are found in FROM and JOIN). */
  readonly ctes: ReadonlyArray<CteSource>
  /** `FOR UPDATE` / `FOR SHARE`: row locks taken by the select. */
  readonly lock?: Lock | undefined
}

/** A select's row lock: its strength, what to do with rows already locked, which tables' rows. */
export interface Lock {
  readonly strength: "update" | "share"
  /** `nowait`: fail at once on a locked row; `skipLocked`: leave locked rows out; none: wait. */
  readonly wait: "nowait" | "skipLocked" | undefined
  /** Lock only the rows of these sources (empty: every table read). */
  readonly of: ReadonlyArray<TableSource>
}

/** The set operators of a compound select. */
export type SetOperator = "UNION" | "UNION ALL" | "INTERSECT" | "INTERSECT ALL" | "EXCEPT" | "EXCEPT ALL"

/** `left UNION [ALL] right …` (or INTERSECT, EXCEPT), evaluated left to right, ordered and limited as a whole. */
export interface Compound {
  readonly _tag: "Compound"
  readonly parts: ReadonlyArray<{ readonly op: SetOperator; readonly query: Select }>
  readonly first: Select
  readonly orderBy: ReadonlyArray<OrderTerm>
  readonly limit: number | undefined
  readonly offset: number | undefined
}

export type SelectStatement = Select | Compound

/** Rows to insert into a model's table; validated and encoded when compiled. */
export interface Insert {
  readonly _tag: "Insert"
  readonly model: Table.Any
  readonly table: TableDef
  readonly rows: ReadonlyArray<unknown>
  readonly onConflict:
    | {
      readonly target: ReadonlyArray<string>
      readonly action: { readonly _tag: "DoNothing" } | { readonly _tag: "DoUpdate"; readonly set: ReadonlyArray<Assignment> }
    }
    | undefined
  readonly returning: ReadonlyArray<Selection> | undefined
  /** INSERT … SELECT: the rows come from this query (then `rows` is empty), into `columns`. */
  readonly select?: SelectStatement | undefined
  /** The database names of the columns an INSERT … SELECT fills, in the query's order. */
  readonly columns?: ReadonlyArray<string> | undefined
}

/** `column = value` in UPDATE … SET or an upsert's update. */
export interface Assignment {
  readonly column: string
  readonly value: Node
}

export interface Update {
  readonly _tag: "Update"
  readonly table: TableDef
  readonly set: ReadonlyArray<Assignment>
  readonly where: Node | undefined
  readonly returning: ReadonlyArray<Selection> | undefined
  /** UPDATE … FROM: other sources the SET values and the WHERE may use (joined in the WHERE). */
  readonly from?: ReadonlyArray<Source> | undefined
}

export interface Delete {
  readonly _tag: "Delete"
  readonly table: TableDef
  readonly where: Node | undefined
  readonly returning: ReadonlyArray<Selection> | undefined
  /** DELETE … USING: other sources the WHERE may use (joined in the WHERE). */
  readonly using?: ReadonlyArray<Source> | undefined
}

/** The statements the compiler handles; a new kind does not compile until it is handled. */
export type Statement = Select | Compound | Insert | Update | Delete
