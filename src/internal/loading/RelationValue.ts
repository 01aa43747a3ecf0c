/**
 * The value behind a `Relation`: lazy loads (eager record first, then the result set,
 * then Effect's request batching), EXISTS filters, nested variants and drafts, built
 * from a `RelationDef`; and the foreign-key columns a definition's options name. Called
 * by the constructors of `src/Relation.ts` only.
 */
import { Effect, Request, RequestResolver } from "effect"
import type * as Column from "../../Column.js"
import * as Expr from "../../Expr.js"
import * as Query from "../../Query.js"
import type * as RelationModule from "../../Relation.js"
import * as Session from "../../Session.js"
import * as Table from "../../Table.js"
import { resolve, windowed } from "./LazyLoads.js"
import { attach } from "./Loader.js"
import { chooseStrategy, keysEqual, keyString, keyValue, register, type RelationDef, RelationTypeId } from "./RelationDef.js"

/**
 * The columns of a foreign key, and the columns of one table they point at, pair by pair:
 * the columns' own `references`, or, for a composite key whose columns have none (a
 * database cannot point one column at a part of a composite key), the primary key of
 * `pointedAt` in its order.
 */
export const foreignKey = (
  given: RelationModule.ForeignKey,
  pointedAt: Table.Any
): { readonly columns: ReadonlyArray<Column.AnyRef>; readonly referenced: ReadonlyArray<Column.AnyRef> } => {
  const columns = (Array.isArray(given) ? given : [given]) as ReadonlyArray<Column.AnyRef>
  if (columns.length === 0) throw new TypeError("foreignKey: at least one column")
  const named = columns.map((c) => `${c.table.tableName}.${c.name}`).join(", ")
  if (new Set(columns.map((c) => c.table.def)).size > 1) throw new TypeError(`foreignKey: the columns of a composite foreign key are of one table (${named})`)
  const own = columns.filter((fk) => fk.column.references !== undefined)
  if (columns.length > 1 && own.length === 0) {
    const pk = Table.definition(pointedAt).primaryKey
    if (pk.length !== columns.length) {
      throw new TypeError(
        `foreignKey: ${named} point at the primary key of ${Table.definition(pointedAt).tableName}, which has ${pk.length} column(s), not ${columns.length}`
      )
    }
    return { columns, referenced: pk.map((k) => (pointedAt.c as Record<string, Column.AnyRef>)[k]!) }
  }
  const referenced = columns.map((fk) => {
    const thunk = fk.column.references
    if (thunk === undefined) throw new TypeError(`${fk.table.tableName}.${fk.name} has no references option: it is not a foreign key`)
    return thunk()
  })
  if (new Set(referenced.map((r) => r.table.def)).size > 1) {
    throw new TypeError(`foreignKey: the columns of a composite foreign key point at one table (${named})`)
  }
  return { columns, referenced }
}

class Load extends Request.TaggedClass("retort/RelationLoad")<ReadonlyArray<object>, Session.SessionError, {
  readonly key: unknown
}> {}

/** The same relation with the same nested relations (each `with(…)` call makes a new definition). */
const sameShape = (a: RelationDef, b: RelationDef): boolean => {
  if (a === b) return true
  if (a.id !== b.id) return false
  const names = Object.keys(a.nested)
  return names.length === Object.keys(b.nested).length &&
    names.every((name) => b.nested[name] !== undefined && sameShape(a.nested[name]!, b.nested[name]!))
}

/** The relation value of `def` (registered for cascades unless it is a `with(…)` variant). */
export const make = <S extends Table.Any, T extends Table.Any, R>(def: RelationDef, register_ = true): RelationModule.Relation<S, T, R> => {
  if (register_) register(def)
  // One resolver per relation: the loads of one relation in a batch become one query.
  const resolver = RequestResolver.makeBatched((requests: ReadonlyArray<Load>) =>
    Effect.flatMap(Session.Session, (session) => windowed(session, def, requests.map((r) => r.key))).pipe(
      Effect.matchCauseEffect({
        onFailure: (cause) => Effect.forEach(requests, (r) => Request.failCause(r, cause), { discard: true }),
        onSuccess: (byKey) =>
          Effect.forEach(requests, (r) => Request.succeed(r, byKey.get(keyString(r.key)) ?? []), { discard: true })
      })
    )
  ).pipe(RequestResolver.contextFromServices(Session.Session))

  const exists = (condition?: Expr.Expr<boolean> | ((target: any) => Expr.Expr<boolean>)) => {
    // A self-referential relation needs the related table under another name inside the subquery.
    const related: any = def.source === def.target ? Table.alias(def.target, `_${def.target.tableName}_related`) : def.target
    const extra = condition === undefined ? [] : [typeof condition === "function" ? condition(related.c) : condition]
    const relatedKeys = (keys: ReadonlyArray<Column.AnyRef>) => keys.map((k) => related.c[k.key] as Column.AnyRef)
    if (def.through === undefined) {
      return Expr.exists(
        Query.select({ one: Expr.literal(1) }).from(related).where(keysEqual(relatedKeys(def.targetKeys), def.sourceKeys), ...extra)
      )
    }
    const { model: through, sourceFks, targetFks, targetKeys } = def.through
    return Expr.exists(
      Query.select({ one: Expr.literal(1) })
        .from(through)
        .join(related, keysEqual(relatedKeys(targetKeys), targetFks))
        .where(keysEqual(sourceFks, def.sourceKeys), ...extra)
    )
  }

  return {
    [RelationTypeId]: def,
    source: def.source as S,
    target: def.target as T,
    with: (nested, options) => make({ ...def, nested: { ...def.nested, ...chooseStrategy(nested, options) } }, false),
    load: (entity) =>
      Effect.flatMap(Session.Session, (session) =>
        Effect.flatMap(resolve(session, def, entity), (source): Effect.Effect<R, Session.SessionError, Session.Session> => {
          // Eagerly loaded with these very nested relations: served as it was attached.
          if (source._tag === "Eager" && sameShape(source.def, def)) return Effect.succeed(source.value as R)
          const found: Effect.Effect<ReadonlyArray<object>, Session.SessionError, Session.Session> = source._tag === "Eager"
            ? Effect.succeed(source.value === null ? [] : Array.isArray(source.value) ? source.value : [source.value as object])
            : source._tag === "Loaded"
            ? Effect.succeed(source.found)
            : Effect.request(new Load({ key: keyValue(entity, def.sourceKeys) }), resolver).pipe(Effect.withRequestCaching(false))
          return Effect.flatMap(found, (list) =>
            Effect.map(attach(def.nested, session, list), (withNested) => (def.single ? withNested[0] ?? null : withNested) as R))
        })
      ),
    any: exists,
    has: exists,
    // Checked by `session.add`, where a bad draft is a typed error rather than a throw here.
    drafts: (rows) => ({ _tag: "Drafts", relation: def, rows: rows as ReadonlyArray<Readonly<Record<string, unknown>>> })
  }
}
