/**
 * The loader: fetches the related rows of many instances at once (the "selectin"
 * strategy). One query per relation, with the key values in IN lists chunked under the
 * dialect's parameter limit; results join the session's identity map. Attaches the
 * relations to copies of the instances, those loaded by the "joined" strategy
 * (`Joined.ts`) too. Called by the session's eager loading (`query(…).with(…)`) and by
 * batched lazy loads (`relation.load`). Each load is a `session.load` span when traced.
 */
import { Effect } from "effect"
import type * as Column from "../../Column.js"
import type * as Expr from "../../Expr.js"
import * as Query from "../../Query.js"
import type { Session, SessionError } from "../../Session.js"
import * as Table from "../../Table.js"
import { instantiate } from "../rows.js"
import { parentSpan } from "../telemetry.js"
import { emptyLevel, hasJoined, type Level, selectJoined } from "./Joined.js"
import { eagerPrototype, stateOf } from "./LazyLoads.js"
import { keyIn, keysEqual, keyString, keyValue, type RelationDef } from "./RelationDef.js"

/** Leaves room for the other parameters of the statement; a composite key takes one per column. */
const chunkSize = (session: Session, columns: number) => Math.max(1, Math.floor((session.engine.dialect.compiler.maxParameters - 100) / columns))

const chunks = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** The relation's order, then the target's primary key: the same order on every database. */
const orderOf = (def: RelationDef): ReadonlyArray<Expr.Expr<any> | Expr.Order> => {
  const targetDef = Table.definition(def.target)
  return [...def.orderBy, ...targetDef.primaryKey.map((k) => def.target.c[k]!)]
}

/**
 * The related instances of each key value, by `keyString(value)`. With `level`, the joined
 * relations nested under this one are loaded in the same statements (not for many-to-many,
 * whose statement reads the association table: those are loaded selectin) into `level`.
 */
export const loadFor = (
  def: RelationDef,
  session: Session,
  values: ReadonlyArray<unknown>,
  level?: Level
): Effect.Effect<ReadonlyMap<string, ReadonlyArray<object>>, SessionError> =>
  Effect.suspend(() => {
    const unique = [...new Map(values.filter((v) => v !== null && v !== undefined).map((v) => [keyString(v), v])).values()]
    if (unique.length === 0) return Effect.succeed(new Map())
    // Eager (selectin), lazy and cascade loads alike: one span over the load's statements.
    return parentSpan("session.load", load(def, session, unique, level), () => ({
      "db.collection.name": Table.definition(def.target).tableName,
      "retort.relation.name": def.name,
      "retort.relation.kind": def.kind,
      "retort.load.keys": unique.length
    }))
  })

const load = (def: RelationDef, session: Session, unique: ReadonlyArray<unknown>, level: Level | undefined) =>
  Effect.gen(function*() {
    const found = new Map<string, Array<object>>()
    const push = (key: unknown, entity: object) => {
      const k = keyString(key)
      const list = found.get(k)
      if (list === undefined) found.set(k, [entity])
      else list.push(entity)
    }
    const order = orderOf(def)
    const all: Array<object> = []
    for (const chunk of chunks(unique, chunkSize(session, def.sourceKeys.length))) {
      if (def.through === undefined) {
        const where = [keyIn(def.targetKeys, chunk)]
        const rows = level === undefined
          ? yield* session.query(def.target).where(...where).orderBy(...order).all
          : yield* selectJoined(session, def.target, { where, orderBy: order }, def.nested, level)
        all.push(...rows)
        for (const row of rows) push(keyValue(row, def.targetKeys), row)
        continue
      }
      // Many-to-many: the target's columns and the association's source key, in one query.
      const { model: through, sourceFks, targetFks, targetKeys } = def.through
      const targetDef = Table.definition(def.target)
      const shape: Record<string, Column.AnyRef> = {}
      sourceFks.forEach((fk, i) => shape[`~key${i}`] = fk)
      for (const column of targetDef.columns) shape[`t_${column.key}`] = def.target.c[column.key] as Column.AnyRef
      const rows = yield* session.execute(
        Query.select(shape as never).from(def.target).join(through, keysEqual(targetFks, targetKeys)).where(keyIn(sourceFks, chunk))
          .orderBy(...order)
      )
      for (const row of rows as ReadonlyArray<Record<string, unknown>>) {
        const values = Object.fromEntries(targetDef.columns.map((c) => [c.key, row[`t_${c.key}`]]))
        const entity = session.merge(instantiate(def.target, values) as object)
        all.push(entity)
        push(sourceFks.length === 1 ? row["~key0"] : sourceFks.map((_, i) => row[`~key${i}`]), entity)
      }
    }
    // Everything loaded at once is one result set: a lazy load on one of them loads for all.
    stateOf(session).remember([...new Set(all)])
    return found
  })

/** The instance with extra fields (its relations), keeping its class. */
export const withFields = <E extends object>(entity: E, fields: Readonly<Record<string, unknown>>): E =>
  Object.assign(Object.create(Object.getPrototypeOf(entity)), entity, fields)

/** One relation of a level, loaded: what each entity gets, before its nested relations are attached. */
interface Loaded {
  readonly name: string
  readonly def: RelationDef
  readonly of: (entity: object) => ReadonlyArray<object>
  /** The related instances as attached (with their nested relations), by the instance loaded. */
  readonly attached: ReadonlyMap<object, object> | undefined
}

/**
 * Loads `relations` for `entities` (and, recursively, their nested relations): one query
 * per selectin relation per level; the joined ones were loaded with the entities, and
 * `joined` holds what they found. Returns the entities with the relations as fields.
 */
export const attach = (
  relations: Readonly<Record<string, RelationDef>>,
  session: Session,
  entities: ReadonlyArray<object>,
  joined?: Level
): Effect.Effect<ReadonlyArray<object>, SessionError> =>
  Effect.gen(function*() {
    const names = Object.keys(relations)
    if (names.length === 0 || entities.length === 0) return entities
    const loaded: Array<Loaded> = []
    for (const name of names) {
      const def = relations[name]!
      const pre = joined?.relations[name]
      let of: Loaded["of"]
      let related: ReadonlyArray<object>
      let nested: Level | undefined
      if (pre !== undefined) {
        of = (entity) => pre.byParent.get(entity) ?? none
        related = pre.related
        nested = pre.level
      } else {
        // Joined relations under this selectin one come with its statement (one per chunk).
        nested = hasJoined(def.nested) && def.through === undefined ? emptyLevel(def.nested) : undefined
        const byKey = yield* loadFor(def, session, entities.map((e) => keyValue(e, def.sourceKeys)), nested)
        of = (entity) => {
          const key = keyValue(entity, def.sourceKeys)
          return key === null || key === undefined ? none : byKey.get(keyString(key)) ?? none
        }
        related = [...new Set([...byKey.values()].flat())]
      }
      // Nested relations are loaded for all the related instances of this level at once.
      const withNested = yield* attach(def.nested, session, related, nested)
      // Joined instances are one result set too, as `loadFor` makes the selectin ones.
      if (pre !== undefined) stateOf(session).remember(withNested, withNested === related ? undefined : related)
      loaded.push({ name, def, of, attached: withNested === related ? undefined : new Map(related.map((e, i) => [e, withNested[i]!])) })
    }
    const shapes = new Map<object, object>()
    return entities.map((entity) => {
      const proto = Object.getPrototypeOf(entity) as object
      let shape = shapes.get(proto)
      if (shape === undefined) shapes.set(proto, shape = eagerPrototype(proto, loaded))
      const copy = Object.assign(Object.create(shape), entity)
      for (const { attached, def, name, of } of loaded) {
        const list = of(entity)
        const value = attached === undefined ? list : list.map((e) => attached.get(e) ?? e)
        copy[name] = def.single ? value[0] ?? null : value
      }
      return copy
    })
  })

const none: ReadonlyArray<object> = []
