/**
 * The building blocks the statement builders share: sources, selections of models and
 * shapes, conjunctions, SET assignments, RETURNING lists, and the prototype that gives
 * every statement `toSql` and `pipe`. Used by the modules beside it; not public.
 */
import { Pipeable } from "effect"
import * as Dialect from "../../Dialect.js"
import type * as ExprModule from "../../Expr.js"
import * as Ast from "../ast/nodes.js"
import { type Compiled, compile } from "../compiler.js"
import { type ExprLike, isExpr, make } from "../expr.js"
import type { TableDef } from "../tableDef.js"
import * as Table from "../../Table.js"

import { type Shape, type Source, type Subquery } from "./shapes.js"

export type Expr<A> = ExprModule.Expr<A>

export const dialectOf = (d: Dialect.Dialect | Dialect.DialectName) => (typeof d === "string" ? Dialect.byName(d) : d)

export const proto = {
  pipe() {
    return Pipeable.pipeArguments(this, arguments)
  },
  toSql(this: { node: Ast.Statement }, dialect: Dialect.Dialect | Dialect.DialectName): Compiled {
    const [first] = compile(dialectOf(dialect), this.node)
    return { sql: first!.sql, params: first!.params }
  }
}

export const isModel = (u: unknown): u is Table.Any => typeof u === "function" && Table.TypeId in u

export const toSource = (source: Source): Ast.Source => {
  if (isModel(source)) return { _tag: "Table", table: Table.definition(source), alias: undefined }
  switch (source._tag) {
    case "TableAlias":
      return { _tag: "Table", table: Table.definition(source.model), alias: source.alias }
    case "Subquery":
    case "Cte":
      return source.source
  }
}

export const columnNode = (def: TableDef, alias: string | undefined, key: string): Ast.Node => {
  const column = def.byKey.get(key)!
  return { _tag: "ColumnRef", table: { tableName: def.tableName, alias, def }, key, name: column.name, column: column.def } as unknown as Ast.Node
}

/** A model's own columns, unaliased: built once per table (AST nodes are immutable data). */
export const ownSelections = new WeakMap<TableDef, ReadonlyArray<Ast.Selection>>()

export const modelSelection = (def: TableDef, alias: string | undefined): ReadonlyArray<Ast.Selection> => {
  if (alias !== undefined) return selectionOfColumns(def, alias)
  let selection = ownSelections.get(def)
  if (selection === undefined) ownSelections.set(def, selection = selectionOfColumns(def, undefined))
  return selection
}

export const selectionOfColumns = (def: TableDef, alias: string | undefined): ReadonlyArray<Ast.Selection> =>
  def.columns.map((column) => ({
    node: columnNode(def, alias, column.key),
    alias: column.name,
    type: column.def.type,
    nullable: column.def.nullable
  }))

export const shapeSelection = (shape: Shape): ReadonlyArray<Ast.Selection> =>
  Object.entries(shape).map(([alias, e]) => {
    const expr = e as unknown as ExprLike
    return { node: expr.node, alias, type: expr.valueType, nullable: expr.nullable }
  })

/** How a select's rows decode: as instances of a model, or as records. */
export type Decoding = { readonly _tag: "Model"; readonly model: Table.Any; readonly def: TableDef } | { readonly _tag: "Record" }

export const emptySelect = (selection: ReadonlyArray<Ast.Selection>, from: Ast.Source | undefined): Ast.Select => Ast.select(selection, from)

export const conjunction = (existing: Ast.Node | undefined, conditions: ReadonlyArray<Expr<any>>): Ast.Node | undefined =>
  [existing, ...conditions.map((c) => c.node)].filter((n): n is Ast.Node => n !== undefined).reduce<Ast.Node | undefined>(
    (left, right) => (left === undefined ? right : { _tag: "Binary", op: "AND", left, right }),
    undefined
  )

/** The columns of a subquery or CTE, as expressions on `"alias"."name"`. */
export const sourceColumns = (name: string, selection: ReadonlyArray<Ast.Selection>) =>
  Object.fromEntries(
    selection.map((sel) => [sel.alias, make({ _tag: "SourceColumn", source: name, name: sel.alias }, sel.type, sel.nullable, sel.alias)])
  )

export const firstSelect = (node: Ast.SelectStatement): Ast.Select => (node._tag === "Select" ? node : node.first)

export const makeSubquery = (query: Ast.SelectStatement, alias: string): Subquery<any> => ({
  _tag: "Subquery",
  alias,
  source: { _tag: "Subquery", query, alias },
  c: sourceColumns(alias, firstSelect(query).selection) as any
})


export const assignments = (def: TableDef, values: Readonly<Record<string, unknown>>): ReadonlyArray<Ast.Assignment> =>
  Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const column = def.byKey.get(key)
      if (column === undefined) {
        throw new TypeError(def.computed.has(key)
          ? `"${key}" is a computed property of ${def.identifier}: it is never written`
          : `"${key}" is not a field of ${def.identifier}`)
      }
      return { column: column.name, value: isExpr(value) ? value.node : Ast.assigned(value, def, column) }
    })

export const refOf = (def: TableDef, key: string): ExprLike => {
  const column = def.byKey.get(key)!
  return make(columnNode(def, undefined, key), column.def.type, column.def.nullable)
}

export const returningSelection = (def: TableDef, what: unknown): ReadonlyArray<Ast.Selection> =>
  isModel(what) ? modelSelection(def, undefined) : shapeSelection(what as Shape)

export const returningDecoding = (model: Table.Any, def: TableDef, what: unknown): Decoding =>
  isModel(what) ? { _tag: "Model", model, def } : { _tag: "Record" }

