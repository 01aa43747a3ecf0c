/**
 * Computed properties of a model, checked and installed once when `Table.Class` defines
 * it: each definition is refused unless it is a value of one row of its own table; each
 * gets an instance getter (the `get` given, or the evaluator of `evaluate.ts`) on the
 * model's prototype and an expression in `Model.c`. `Table.alias` re-roots those
 * expressions at the alias. Called by `src/Table.ts` only.
 */
import * as Computed from "../../Computed.js"
import { DefinitionError } from "../../Errors.js"
import * as Ast from "../ast/nodes.js"
import type { ExprLike } from "../expr.js"
import type { ComputedInfo, TableDef } from "../tableDef.js"
import { evaluator, NotEvaluable } from "./evaluate.js"

const aggregates = new Set<Ast.FunctionName>([
  "count", "sum", "avg", "min", "max", "rowNumber", "rank", "denseRank", "lag", "lead", "ntile", "firstValue", "lastValue"
])

/** Why `node` is not a value of one row of `def`, if it is not. Subqueries may look anywhere (a correlated one is per row). */
const notPerRow = (node: Ast.Node, def: TableDef): string | undefined => {
  if (node._tag === "ColumnRef") {
    return node.table.def === def && node.table.alias === undefined
      ? undefined
      : `it reads ${node.table.alias ?? node.table.tableName}.${node.name}, a column of another table (only a subquery may)`
  }
  if (node._tag === "Func" && aggregates.has(node.name)) return `${node.name}() is an aggregate or window function, not a value of one row`
  if (node._tag === "Over") return "a window function is not a value of one row"
  for (const child of Ast.children(node)) {
    const problem = notPerRow(child, def)
    if (problem !== undefined) return problem
  }
  return undefined
}

/**
 * Checks the computed properties `define` returns for `def`'s columns `refs`, records them
 * in `def.computed`, installs their getters on `prototype`, and returns their expressions
 * (for `Model.c`). Throws `DefinitionError`.
 */
export const install = (
  def: TableDef,
  refs: Readonly<Record<string, ExprLike>>,
  define: unknown,
  prototype: object
): Record<string, ExprLike> => {
  const fail = (message: string, key?: string): never => {
    throw new DefinitionError({ message: `Table "${def.tableName}" (${def.identifier}): ${message}`, table: def.tableName, column: key })
  }
  if (typeof define !== "function") return fail("the computed option is a function of the columns: (c) => ({ name: Computed.make(…) })")
  const fields: unknown = define(refs)
  if (typeof fields !== "object" || fields === null) return fail("the computed option returns an object of Computed.make(…) values")
  const exprs: Record<string, ExprLike> = {}
  const computed = def.computed as Map<string, ComputedInfo>
  for (const [key, field] of Object.entries(fields)) {
    if (def.byKey.has(key)) fail(`computed property "${key}" has the name of a column`, key)
    if (key in prototype) fail(`computed property "${key}" has the name of a property every instance has`, key)
    if (!Computed.isComputed(field)) fail(`computed property "${key}" is not made with Computed.make(…)`, key)
    const { expr, get } = field as Computed.Computed<unknown>
    const like = expr as unknown as ExprLike
    const problem = notPerRow(like.node, def)
    if (problem !== undefined) fail(`computed property "${key}": ${problem}`, key)
    let read = get as ((row: object) => unknown) | undefined
    if (read === undefined) {
      try {
        read = evaluator(like.node, def, like.valueType)
      } catch (e) {
        if (!(e instanceof NotEvaluable)) throw e
        fail(
          `computed property "${key}" uses ${e.message}, which instances do not evaluate in JavaScript: ` +
            `give Computed.make(expr, { get: (row) => … }) the value it has on a row`,
          key
        )
      }
    }
    const reader = read!
    Object.defineProperty(prototype, key, {
      get(this: object) {
        return reader(this)
      },
      enumerable: false,
      configurable: false
    })
    const named = (expr as unknown as { as(alias: string): ExprLike }).as(key)
    computed.set(key, { key, expr: named, read: reader })
    exprs[key] = named
  }
  return exprs
}

/** `node` with the columns of `def` read from `alias` instead; `undefined` when it holds a subquery. */
const rebase = (node: Ast.Node, def: TableDef, refs: Readonly<Record<string, ExprLike>>): Ast.Node | undefined => {
  const r = (n: Ast.Node) => rebase(n, def, refs)
  const all = (ns: ReadonlyArray<Ast.Node>) => {
    const out = ns.map(r)
    return out.every((n) => n !== undefined) ? out as Array<Ast.Node> : undefined
  }
  const some = <T extends Ast.Node>(n: T, changes: Record<string, unknown>): T | undefined =>
    Object.values(changes).some((v) => v === undefined) ? undefined : Object.freeze({ ...n, ...changes })
  switch (node._tag) {
    case "ColumnRef":
      return node.table.def === def && node.table.alias === undefined ? refs[node.key]!.node : node
    case "Raw":
    case "Literal":
    case "Param":
    case "SourceColumn":
    case "Excluded":
      return node
    case "Exists":
    case "Scalar":
    case "Over":
      return undefined
    case "In":
      return Array.isArray(node.list) ? some(node, { operand: r(node.operand), list: all(node.list) }) : undefined
    case "Binary":
    case "IsDistinct":
    case "Divide":
      return some(node, { left: r(node.left), right: r(node.right) })
    case "Not":
    case "IsNull":
    case "Cast":
    case "JsonGet":
      return some(node, { operand: r(node.operand) })
    case "Between":
      return some(node, { operand: r(node.operand), low: r(node.low), high: r(node.high) })
    case "Like":
      return some(node, { operand: r(node.operand), pattern: r(node.pattern) })
    case "Regexp": {
      const replacement = node.replacement === undefined ? undefined : r(node.replacement)
      if (node.replacement !== undefined && replacement === undefined) return undefined
      return some(node, { operand: r(node.operand), pattern: r(node.pattern), ...(node.replacement === undefined ? {} : { replacement }) })
    }
    case "LikeText":
      return some(node, { text: r(node.text) })
    case "Func":
    case "Template":
      return some(node, { args: all(node.args) })
    case "Tuple":
      return some(node, { elements: all(node.elements) })
    case "Case": {
      const whens = node.whens.map(([c, v]) => [r(c), r(v)] as const)
      const otherwise = node.otherwise === undefined ? undefined : r(node.otherwise)
      if (whens.some(([c, v]) => c === undefined || v === undefined) || (node.otherwise !== undefined && otherwise === undefined)) return undefined
      return Object.freeze({ ...node, whens: whens as ReadonlyArray<readonly [Ast.Node, Ast.Node]>, otherwise })
    }
  }
}

/**
 * The computed expressions of `def` for an alias of its table, whose columns are `refs`:
 * each a getter, so that one holding a subquery (which cannot be re-rooted) fails only
 * when used, with a `DefinitionError`.
 */
export const aliased = (def: TableDef, alias: string, refs: Readonly<Record<string, ExprLike>>): PropertyDescriptorMap => {
  const descriptors: PropertyDescriptorMap = {}
  for (const { key, expr } of def.computed.values()) {
    let made: ExprLike | undefined
    descriptors[key] = {
      enumerable: true,
      get() {
        if (made !== undefined) return made
        const node = rebase(expr.node, def, refs)
        if (node === undefined) {
          throw new DefinitionError({
            message: `Table "${def.tableName}" (${def.identifier}): computed property "${key}" holds a subquery, which cannot be read through the alias "${alias}"`,
            table: def.tableName,
            column: key
          })
        }
        return made = Object.freeze(Object.assign(Object.create(Object.getPrototypeOf(expr)), expr, { node }))
      }
    }
  }
  return descriptors
}
