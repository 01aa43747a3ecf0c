/**
 * The "joined" loading strategy: relations fetched in their parents' statement. Each
 * joined relation is a LEFT JOIN of its target under an alias of its own (through the
 * association table for many-to-many), so self-referential relations and two relations
 * to one table work; its columns are selected under short labels (`j1_0`, …). Rows are
 * hydrated into the session's identity-mapped instances, parents de-duplicated in the
 * order they come, each collection in its relation's order (`orderBy`, then the target's
 * primary key: the order the selectin strategy gives). A LIMIT or OFFSET with a joined
 * collection applies to the parents: they are selected in a subquery first, named as
 * their table, so that the query's own WHERE and ORDER BY read the same either way.
 * Called by `SessionQuery.ts` (a query's joined relations) and `Loader.ts` (joined
 * relations under a selectin level).
 */
import { Effect } from "effect"
import type * as Column from "../../Column.js"
import type * as Expr from "../../Expr.js"
import * as Query from "../../Query.js"
import type { Session, SessionError } from "../../Session.js"
import * as Table from "../../Table.js"
import type * as Ast from "../ast/nodes.js"
import { toOrderTerm } from "../expr.js"
import { instantiate } from "../rows.js"
import type { TableDef } from "../tableDef.js"
import { keysEqual, keyString, type RelationDef, strategyOf } from "./RelationDef.js"

/** What one joined relation found: per parent instance, its related instances (in order). */
export interface Found {
  readonly byParent: Map<object, Array<object>>
  /** Every related instance once, first seen first: the parents of the next level. */
  readonly related: Array<object>
  readonly level: Level
}

/** What the statement found for the relations of one level, by relation name. */
export interface Level {
  readonly relations: Readonly<Record<string, Found>>
}

/** A model's columns in the statement: their labels, and which of them identify a row. */
interface Columns {
  readonly model: Table.Any
  readonly def: TableDef
  readonly labels: ReadonlyArray<string>
  /** Indexes of the primary key columns (all columns for a table without one). */
  readonly identity: ReadonlyArray<number>
}

/** One joined relation of the statement. */
interface Node {
  readonly name: string
  readonly def: RelationDef
  readonly alias: string
  readonly throughAlias: string | undefined
  readonly columns: Columns
  readonly children: ReadonlyArray<Node>
}

/** The parents' query, as the session query (or a selectin level) built it. */
export interface Base {
  readonly where: ReadonlyArray<Expr.Expr<boolean> | Expr.Expr<boolean | null>>
  readonly orderBy: ReadonlyArray<Expr.Expr<any> | Expr.Order>
  readonly limit?: number | undefined
  readonly offset?: number | undefined
  readonly lock?: { readonly strength: "update" | "share"; readonly options: Query.LockOptions | undefined } | undefined
}

const columnsOf = (model: Table.Any, prefix: string): Columns => {
  const def = Table.definition(model)
  const pk = def.primaryKey.map((k) => def.columns.findIndex((c) => c.key === k))
  return {
    model,
    def,
    labels: def.columns.map((_, i) => `${prefix}${i}`),
    identity: pk.length > 0 ? pk : def.columns.map((_, i) => i)
  }
}

/** The joined relations among `relations`, numbered depth first (`_j1`, `_j2`, …). */
const plan = (relations: Readonly<Record<string, RelationDef>>, counter: { n: number }): ReadonlyArray<Node> =>
  Object.keys(relations).filter((name) => strategyOf(relations[name]!) === "joined").map((name) => {
    const def = relations[name]!
    const k = ++counter.n
    return {
      name,
      def,
      alias: `_j${k}`,
      throughAlias: def.through === undefined ? undefined : `_j${k}t`,
      columns: columnsOf(def.target, `j${k}_`),
      children: plan(def.nested, counter)
    }
  })

/** Whether some relations of `relations` load joined. */
export const hasJoined = (relations: Readonly<Record<string, RelationDef>>): boolean =>
  Object.keys(relations).some((name) => strategyOf(relations[name]!) === "joined")

/** A relation that can give a parent more than one row: it multiplies the statement's rows. */
const multiplies = (def: RelationDef): boolean => {
  if (def.through !== undefined) return true
  const pk = Table.definition(def.target).primaryKey
  return !(pk.length > 0 && pk.length === def.targetKeys.length && pk.every((k) => def.targetKeys.some((t) => t.key === k)))
}

const anyMultiplies = (nodes: ReadonlyArray<Node>): boolean => nodes.some((n) => multiplies(n.def) || anyMultiplies(n.children))

/**
 * `node` with the unaliased columns of the given tables read from their aliases: a
 * relation's `orderBy` names its target's (and association's) columns, which the
 * statement reads under aliases. Subqueries are left as written.
 */
const realias = (node: Ast.Node, aliases: ReadonlyMap<TableDef, Table.Alias<any, string>>): Ast.Node => {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      let changed = false
      const out = value.map((v) => {
        const w = walk(v)
        if (w !== v) changed = true
        return w
      })
      return changed ? out : value
    }
    if (typeof value !== "object" || value === null || !("_tag" in value)) return value
    const tagged = value as { readonly _tag: string }
    switch (tagged._tag) {
      case "ColumnRef": {
        const ref = value as Column.AnyRef
        const alias = ref.table.alias === undefined ? aliases.get(ref.table.def) : undefined
        return alias === undefined ? value : (alias.c as Record<string, Column.AnyRef>)[ref.key]!
      }
      case "Param":
      case "Literal":
      case "Raw":
      case "Exists":
      case "Scalar":
      case "Select":
      case "Compound":
        return value
    }
    let changed = false
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value)) {
      const field = (value as Record<string, unknown>)[key]
      // Only AST children: column types, tables and values carry no column references.
      const next = key === "type" || key === "valueType" || key === "table" ? field : walk(field)
      if (next !== field) changed = true
      out[key] = next
    }
    return changed ? out : value
  }
  return walk(node) as Ast.Node
}

type Term = Expr.Expr<any> | Ast.OrderTerm

/** The columns of `keys` as `refs` (a model's or an alias's) reads them. */
const refsOf = (refs: Readonly<Record<string, Column.AnyRef>>, keys: ReadonlyArray<Column.AnyRef>) => keys.map((k) => refs[k.key]!)

/** The statement: the parents' columns, then each joined relation's, LEFT JOINed depth first. */
const statement = (model: Table.Any, base: Base, nodes: ReadonlyArray<Node>) => {
  const parent = columnsOf(model, "p")
  const shape: Record<string, Column.AnyRef> = {}
  parent.def.columns.forEach((c, i) => shape[parent.labels[i]!] = model.c[c.key] as Column.AnyRef)
  const joins: Array<readonly [Table.Alias<any, string>, Expr.Expr<boolean>]> = []
  const orders: Array<Term> = []
  const visit = (node: Node, source: Readonly<Record<string, Column.AnyRef>>) => {
    const { def } = node
    const target = Table.alias(def.target, node.alias)
    const targetRefs = target.c as Record<string, Column.AnyRef>
    node.columns.def.columns.forEach((c, i) => shape[node.columns.labels[i]!] = targetRefs[c.key]!)
    const aliases = new Map<TableDef, Table.Alias<any, string>>([[node.columns.def, target]])
    if (def.through === undefined) {
      joins.push([target, keysEqual(refsOf(targetRefs, def.targetKeys), refsOf(source, def.sourceKeys))])
    } else {
      const { model: through, sourceFks, targetFks, targetKeys } = def.through
      const link = Table.alias(through, node.throughAlias!)
      const linkRefs = link.c as Record<string, Column.AnyRef>
      aliases.set(Table.definition(through), link)
      joins.push([link, keysEqual(refsOf(linkRefs, sourceFks), refsOf(source, def.sourceKeys))])
      joins.push([target, keysEqual(refsOf(targetRefs, targetKeys), refsOf(linkRefs, targetFks))])
    }
    // A relation to one row per parent orders nothing: its row is the same all along the parent's rows.
    if (multiplies(def)) {
      for (const term of def.orderBy) {
        const t = toOrderTerm(term as never)
        orders.push({ ...t, node: realias(t.node, aliases) })
      }
      for (const k of node.columns.def.primaryKey) orders.push(targetRefs[k]!)
    }
    for (const child of node.children) visit(child, targetRefs)
  }
  for (const node of nodes) visit(node, model.c as Record<string, Column.AnyRef>)

  const wide = anyMultiplies(nodes)
  // Rows of one parent next to each other, each collection in its relation's order.
  const order: Array<Term> = wide
    ? [...base.orderBy, ...parent.def.primaryKey.map((k) => model.c[k]!), ...orders]
    : [...base.orderBy]
  const wrap = wide && (base.limit !== undefined || base.offset !== undefined)
  let q: Query.Select<any, any, any>
  if (wrap) {
    // The parents first, limited, under their table's name: WHERE and ORDER BY read the same.
    let parents = Query.select(model).where(...base.where).orderBy(...base.orderBy)
    if (base.limit !== undefined) parents = parents.limit(base.limit)
    if (base.offset !== undefined) parents = parents.offset(base.offset)
    if (base.lock !== undefined) parents = lockWith(parents, base.lock, undefined)
    q = Query.select(shape as never).from(parents.as(parent.def.tableName))
  } else {
    q = Query.select(shape as never).from(model).where(...base.where)
  }
  for (const [source, on] of joins) q = q.leftJoin(source, on)
  q = q.orderBy(...(order as ReadonlyArray<Expr.Expr<any>>))
  if (!wrap) {
    if (base.limit !== undefined) q = q.limit(base.limit)
    if (base.offset !== undefined) q = q.offset(base.offset)
    // Only the parents' rows are locked: PostgreSQL refuses to lock the nullable side of an outer join.
    if (base.lock !== undefined) q = lockWith(q, base.lock, nodes.length > 0 ? [model] : undefined)
  }
  return { query: q, parent }
}

const lockWith = (
  q: Query.Select<any, any, any>,
  lock: NonNullable<Base["lock"]>,
  of: ReadonlyArray<Table.Any> | undefined
): Query.Select<any, any, any> => {
  const options = (of === undefined ? lock.options : { ...lock.options, of }) as Query.LockOptions | undefined
  return lock.strength === "update" ? q.forUpdate(options) : q.forShare(options)
}

/** Reads instances of one model from rows, through the identity map, once per identity. */
const reader = (session: Session, columns: Columns) => {
  const known = new Map<unknown, object>()
  const single = columns.identity.length === 1 ? columns.identity[0]! : undefined
  return (row: Readonly<Record<string, unknown>>): object | undefined => {
    let id: unknown
    if (single !== undefined) {
      id = row[columns.labels[single]!]
      if (id === null || id === undefined) return undefined
      if (typeof id === "object") id = keyString(id)
    } else {
      const parts = columns.identity.map((i) => row[columns.labels[i]!])
      if (parts.every((p) => p === null || p === undefined)) return undefined
      id = parts.map(keyString).join("\u0000")
    }
    let instance = known.get(id)
    if (instance === undefined) {
      const values: Record<string, unknown> = {}
      columns.def.columns.forEach((c, i) => values[c.key] = row[columns.labels[i]!] ?? null)
      instance = session.merge(instantiate(columns.model, values) as object)
      known.set(id, instance)
    }
    return instance
  }
}

interface Collect {
  readonly found: Found
  readonly read: (row: Readonly<Record<string, unknown>>) => object | undefined
  /** Per parent, the related instances already in its list. */
  readonly listed: Map<object, Set<object>>
  readonly seen: Set<object>
  readonly children: ReadonlyArray<Collect>
  readonly node: Node
}

/** An empty level for `relations`' joined ones, to fill from the rows of one or more statements. */
export const emptyLevel = (relations: Readonly<Record<string, RelationDef>>): Level => {
  const out: Record<string, Found> = {}
  for (const name of Object.keys(relations)) {
    const def = relations[name]!
    if (strategyOf(def) === "joined") out[name] = { byParent: new Map(), related: [], level: emptyLevel(def.nested) }
  }
  return { relations: out }
}

const collectors = (session: Session, nodes: ReadonlyArray<Node>, level: Level): ReadonlyArray<Collect> =>
  nodes.map((node) => {
    const found = level.relations[node.name]!
    return {
      found,
      read: reader(session, node.columns),
      listed: new Map(),
      seen: new Set(found.related),
      children: collectors(session, node.children, found.level),
      node
    }
  })

const fill = (collects: ReadonlyArray<Collect>, parent: object, row: Readonly<Record<string, unknown>>): void => {
  for (const c of collects) {
    let list = c.found.byParent.get(parent)
    if (list === undefined) c.found.byParent.set(parent, list = [])
    const child = c.read(row)
    if (child === undefined) continue
    let listed = c.listed.get(parent)
    if (listed === undefined) c.listed.set(parent, listed = new Set(list))
    if (!listed.has(child)) {
      listed.add(child)
      list.push(child)
    }
    if (!c.seen.has(child)) {
      c.seen.add(child)
      c.found.related.push(child)
    }
    fill(c.children, child, row)
  }
}

/**
 * Runs the parents' query with the joined ones of `relations` (nested joined levels too)
 * in one statement. Gives the parents (the session's instances, de-duplicated, in order)
 * and fills `level` with what each joined relation found for them.
 */
export const selectJoined = (
  session: Session,
  model: Table.Any,
  base: Base,
  relations: Readonly<Record<string, RelationDef>>,
  level: Level = emptyLevel(relations)
): Effect.Effect<ReadonlyArray<object>, SessionError> =>
  Effect.suspend(() => {
    const nodes = plan(relations, { n: 0 })
    const { parent, query } = statement(model, base, nodes)
    return Effect.map(session.execute(query), (rows) => {
      const readParent = reader(session, parent)
      const collects = collectors(session, nodes, level)
      const parents: Array<object> = []
      const seen = new Set<object>()
      for (const row of rows as ReadonlyArray<Record<string, unknown>>) {
        const p = readParent(row)
        if (p === undefined) continue
        if (!seen.has(p)) {
          seen.add(p)
          parents.push(p)
        }
        fill(collects, p, row)
      }
      return parents
    })
  })

/** The SQL of a joined load, for compile tests: `session.query(model).with(relations)` with `base`. */
export const joinedSql = (model: Table.Any, base: Base, relations: Readonly<Record<string, RelationDef>>) =>
  statement(model, base, plan(relations, { n: 0 })).query
