/**
 * Lazy loading without N+1: `relation.load(entity)` in a session.
 *
 * Four sources, tried in order:
 * 1. what an eager load (`query(…).with(…)`) attached to this very instance, served with
 *    no query (the only source a `lazyLoad: "raise"` session allows);
 * 2. for a relation to one row by its primary key (a many-to-one), the session's identity
 *    map: the row it holds for the key is the one a query would find (SQLAlchemy's
 *    many-to-one lazy load does the same), so a row just inserted or read costs no query;
 * 3. the instance's result set: the instances one query returned remember it, and the
 *    first load of a relation on any of them loads it for all of them in one IN query
 *    (SQLAlchemy's "selectin for the whole result"), so that even a plain sequential loop
 *    of `yield* Rel.load(x)` is one query; later loads are served from it until the
 *    session writes;
 * 4. for an instance of no result set (from `get`, `insert`, built by hand), a batching
 *    window: the loads that reach it before its first load has yielded (concurrent fibers,
 *    or Effect's request batching with `{ batching: true }`) share one query.
 */
import { Deferred, Effect, Exit, FiberId } from "effect"
import { LazyLoadRefused } from "../../Errors.js"
import type { Session, SessionError } from "../../Session.js"
import * as Table from "../../Table.js"
import { loadFor } from "./Loader.js"
import { keyString, keyValue, type RelationDef } from "./RelationDef.js"

/**
 * How a session loads a relation that was not loaded with the query.
 * `"batch"`: for the whole result set at once; `"raise"`: not at all (`LazyLoadRefused`).
 */
export type LazyLoadMode = "batch" | "raise"

type ByKey = ReadonlyMap<string, ReadonlyArray<object>>

interface Pending {
  readonly generation: number
  readonly done: Deferred.Deferred<ByKey, SessionError>
}

/** The instances one query returned, and what was loaded for all of them. */
interface ResultSet {
  readonly members: ReadonlyArray<object>
  /** `also`: the instances the members were copied from (an eager load's originals). */
  readonly also: ReadonlyArray<object> | undefined
  readonly loads: Map<symbol, Pending>
  /** Built on the first lazy load that asks: a query pays nothing for it. */
  index: Set<object> | undefined
}

interface Window {
  readonly keys: Array<unknown>
  readonly done: Deferred.Deferred<ByKey, SessionError>
}

/**
 * How many recent result sets a session keeps. Remembering is one array push per query (no
 * write per row): the set an instance belongs to is found when a lazy load asks, by scanning
 * these, newest first, each indexed once. A loop over an older result than these is one
 * query per load again.
 */
const maxResultSets = 16

const noResultSets: ReadonlyArray<ResultSet> = []

/** The session's identity map, as the identity-map source reads it. */
export interface KnownInstances {
  readonly known: (model: Table.Any, key: Readonly<Record<string, unknown>>) => object | undefined
}

/** One per session. */
export class LazyLoads {
  /** Bumped by every write of the session: what was loaded before may be stale. */
  generation = 0
  // Made on first use: a session made for one lookup never loads a relation.
  /** The session's latest result sets, the newest last. */
  private resultSets: Array<ResultSet> | undefined = undefined
  private windowMap: Map<symbol, Window> | undefined = undefined
  get windows(): Map<symbol, Window> {
    return this.windowMap ??= new Map()
  }
  /**
   * `known`: the session's instance for a primary key, if it holds one (and does not
   * delete it), for the identity-map source; none for a session built elsewhere.
   */
  constructor(readonly mode: LazyLoadMode, readonly known?: KnownInstances) {}

  /** These instances came back together; one row alone is left to the window. */
  remember(members: ReadonlyArray<object>, also?: ReadonlyArray<object>): void {
    if (members.length < 2) return
    const sets = this.resultSets ??= []
    sets.push({ members, also, loads: new Map(), index: undefined })
    if (sets.length > maxResultSets) sets.shift()
  }

  /**
   * The result set to serve a load of `def` on `entity` from: one of its sets that
   * loaded it already in this generation (so that a self-referential load, whose rows are
   * also the instances being looped over, is not loaded again for the new set), else its latest.
   */
  resultSetFor(entity: object, def: RelationDef): ResultSet | undefined {
    let latest: ResultSet | undefined
    const sets = this.resultSets ?? noResultSets
    for (let i = sets.length - 1; i >= 0; i--) {
      const set = sets[i]!
      if (set.index === undefined) {
        set.index = new Set(set.members)
        if (set.also !== undefined) for (const m of set.also) set.index.add(m)
      }
      if (!set.index.has(entity)) continue
      if (set.loads.get(def.id)?.generation === this.generation) return set
      latest ??= set
    }
    return latest
  }

  touch(): void {
    this.generation++
  }
}

/**
 * The state rides on the session object under a symbol, not in a WeakMap: a WeakMap entry
 * per session (one is made per request, often per lookup) keeps its garbage alive through
 * young-generation collections, which then dominate a lookup's cost.
 */
const StateKey: unique symbol = Symbol.for("retort/LazyLoads")

type Carrier = { [StateKey]?: LazyLoads }

export const register = (session: Session, state: LazyLoads): void => {
  ;(session as Carrier)[StateKey] = state
}

/** A session built elsewhere (a test double) gets the default state. */
export const stateOf = (session: Session): LazyLoads => {
  const carrier = session as Carrier
  const own = carrier[StateKey]
  if (own !== undefined) return own
  // A frozen double cannot carry it.
  let state = doubles.get(session)
  if (state === undefined) doubles.set(session, state = new LazyLoads("batch"))
  return state
}

const doubles = new WeakMap<Session, LazyLoads>()

/** Where an eagerly loaded copy's prototype says which relations it holds, by relation id. */
const EagerTag: unique symbol = Symbol.for("retort/EagerRelations")

type EagerFields = ReadonlyMap<symbol, { readonly def: RelationDef; readonly name: string }>

/**
 * A prototype for the copies an eager load makes of instances whose prototype is `proto`:
 * it records which relations they hold and under which field, once per load rather than
 * a map per instance (the copies keep their class: this sits between them and it).
 */
export const eagerPrototype = (proto: object, loaded: ReadonlyArray<{ readonly def: RelationDef; readonly name: string }>): object => {
  const below = (proto as { readonly [EagerTag]?: EagerFields })[EagerTag]
  const fields = new Map(below)
  for (const { def, name } of loaded) fields.set(def.id, { def, name })
  return Object.create(proto, { [EagerTag]: { value: fields } })
}

export const eagerOf = (entity: object, def: RelationDef): { readonly def: RelationDef; readonly value: unknown } | undefined => {
  const field = (entity as { readonly [EagerTag]?: EagerFields })[EagerTag]?.get(def.id)
  return field === undefined ? undefined : { def: field.def, value: (entity as Record<string, unknown>)[field.name] }
}

const keyOfEntity = (def: RelationDef, entity: object) => keyValue(entity, def.sourceKeys)

/** The relation's target columns are the target's primary key: a key value names one row of the identity map. */
const byPrimaryKey = (def: RelationDef): boolean => {
  const pk = Table.definition(def.target).primaryKey
  return pk.length === def.targetKeys.length && def.targetKeys.every((t) => pk.includes(t.key))
}

/** Runs `load` once for every caller that finds `pending` unset, completing `done` whatever happens. */
const settle = (done: Deferred.Deferred<ByKey, SessionError>, load: Effect.Effect<ByKey, SessionError>) =>
  Effect.zipRight(
    Effect.onExit(load, (exit) => Deferred.done(done, Exit.isInterrupted(exit) ? Exit.interrupt(FiberId.none) : exit)),
    Deferred.await(done)
  )

/** Yields a few times, so that the fibers started with this one reach the window first. */
const gather = Effect.yieldNow().pipe(Effect.repeatN(3))

/** The related instances of `keys`, loaded with those of the other loads in the window. */
export const windowed = (session: Session, def: RelationDef, keys: ReadonlyArray<unknown>): Effect.Effect<ByKey, SessionError> =>
  Effect.suspend(() => {
    const state = stateOf(session)
    const open = state.windows.get(def.id)
    if (open !== undefined) {
      open.keys.push(...keys)
      return Deferred.await(open.done)
    }
    const window: Window = { keys: [...keys], done: Deferred.unsafeMake(FiberId.none) }
    state.windows.set(def.id, window)
    // Closed before the query (a load arriving during it opens the next window), or when interrupted.
    const close = Effect.sync(() => {
      if (state.windows.get(def.id) === window) state.windows.delete(def.id)
    })
    return settle(
      window.done,
      Effect.ensuring(gather, close).pipe(Effect.zipRight(Effect.suspend(() => loadFor(def, session, window.keys))))
    )
  })

/** The relation of `entity` as loaded for its whole result set (once per session generation). */
const fromResultSet = (session: Session, state: LazyLoads, set: ResultSet, def: RelationDef): Effect.Effect<ByKey, SessionError> =>
  Effect.suspend(() => {
    const known = set.loads.get(def.id)
    if (known !== undefined && known.generation === state.generation) return Deferred.await(known.done)
    const pending: Pending = { generation: state.generation, done: Deferred.unsafeMake(FiberId.none) }
    set.loads.set(def.id, pending)
    const load = Effect.onError(loadFor(def, session, set.members.map((m) => keyOfEntity(def, m))), () =>
      Effect.sync(() => {
        // A failed load is not remembered: the next one tries again.
        if (set.loads.get(def.id) === pending) set.loads.delete(def.id)
      }))
    return settle(pending.done, load)
  })

export type Source =
  | { readonly _tag: "Eager"; readonly def: RelationDef; readonly value: unknown }
  | { readonly _tag: "Loaded"; readonly found: ReadonlyArray<object> }
  | { readonly _tag: "Window" }

/**
 * Where a lazy load of `def` on `entity` comes from: an eager load, the entity's result
 * set, or (none of them) the batching window; refused in a `"raise"` session unless eager.
 */
export const resolve = (session: Session, def: RelationDef, entity: object): Effect.Effect<Source, SessionError | LazyLoadRefused> =>
  Effect.suspend((): Effect.Effect<Source, SessionError | LazyLoadRefused> => {
    const recorded = eagerOf(entity, def)
    if (recorded !== undefined) return Effect.succeed({ _tag: "Eager", def: recorded.def, value: recorded.value } as const)
    const state = stateOf(session)
    if (state.mode === "raise") {
      const model = Table.TypeId in entity.constructor ? Table.definition(entity.constructor as Table.Any).identifier : entity.constructor.name
      return Effect.fail(
        new LazyLoadRefused({
          message: `${model}: the relation ${def.name} was not loaded with the query (lazyLoad: "raise"); load it with .with({ … })`,
          relation: def.name,
          model
        })
      )
    }
    if (state.known !== undefined && def.single && def.keyOn === "source" && byPrimaryKey(def)) {
      const key = keyOfEntity(def, entity)
      if (key === null || key === undefined) return Effect.succeed({ _tag: "Loaded", found: [] } as const)
      const values = def.targetKeys.length === 1
        ? { [def.targetKeys[0]!.key]: key }
        : Object.fromEntries(def.targetKeys.map((t, i) => [t.key, (key as ReadonlyArray<unknown>)[i]]))
      const found = state.known.known(def.target, values)
      if (found !== undefined) return Effect.succeed({ _tag: "Loaded", found: [found] } as const)
    }
    const set = state.resultSetFor(entity, def)
    if (set === undefined) return Effect.succeed({ _tag: "Window" } as const)
    return Effect.map(fromResultSet(session, state, set, def), (byKey) => {
      const key = keyOfEntity(def, entity)
      return { _tag: "Loaded", found: key === null || key === undefined ? [] : byKey.get(keyString(key)) ?? [] } as const
    })
  })
