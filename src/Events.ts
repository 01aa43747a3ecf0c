/**
 * Events: hooks, as Effects, that a session runs as it writes. Per model, before and
 * after each INSERT, UPDATE and DELETE of a row; per session, before and after a flush,
 * before and after COMMIT, after ROLLBACK (SQLAlchemy's mapper and session events).
 *
 * Hooks are registered with `Events.layer(...registrations)`, which the session reads
 * when it is made (`Session.layer`, `Session.make`, `Session.use`): provide it where the
 * session is built. Several registrations add up, in the order given, and a layer built
 * where another `Events.layer` is already provided adds to it.
 *
 * - Model hooks run in flush order (the unit of work's foreign-key order: parents'
 *   inserts before children's, children's deletes before parents'), once per row. A
 *   before hook sees the row about to be written and may return a new one, which is
 *   validated again with the model's Schema (an invalid one fails with `EncodeError`);
 *   an after hook sees the written row (with generated keys and server defaults on insert).
 * - A hook's failure fails the flush with `HookFailed` (its error as `cause`, the hook's
 *   name, the table): the session's transaction rolls back and no row of it stays.
 * - `beforeCommit` runs before the flush that `commit` does; a failure there rolls back.
 *   `afterCommit` runs once COMMIT succeeded: its failure is the commit's error
 *   (`HookFailed`) but the data stays committed, as in SQLAlchemy.
 * - `afterRollback` runs after a ROLLBACK of the session's transaction (not of a
 *   savepoint). It cannot change the outcome of what rolled back: its failure is logged.
 *
 * The requirements `R` of hooks are those of the layer: they are provided when it is built.
 *
 * @module
 * @since 0.3.0
 */
import { Cause, Context, Effect, Layer, type Schema } from "effect"
import { HookFailed, type HookName } from "./Errors.js"
import type * as Table from "./Table.js"
import * as TableModule from "./Table.js"

/**
 * What a model hook is told besides the row.
 *
 * @example
 * import { Effect } from "effect"
 * import type { Events } from "retort-orm"
 * const log = (ctx: Events.HookContext) => Effect.log(`${ctx.hook} on ${ctx.table}`)
 *
 * @since 0.3.0
 * @category models
 */
export interface HookContext {
  readonly hook: HookName
  readonly table: string
}

/**
 * What `beforeUpdate` and `afterUpdate` are told: the instance before the update and the
 * changed fields.
 *
 * @example
 * import type { Events } from "retort-orm"
 * const changedFields = (ctx: Events.UpdateContext<{ id: number }>) => Object.keys(ctx.changes)
 *
 * @since 0.3.0
 * @category models
 */
export interface UpdateContext<A> extends HookContext {
  readonly previous: A
  readonly changes: { readonly [K in keyof A]?: A[K] }
}

/**
 * The hooks of one model. A before hook returns nothing to write the row as it is, or
 * the row to write instead.
 *
 * @example
 * import { DateTime, Effect } from "effect"
 * import { Column, type Events, Table } from "retort-orm"
 * class Note extends Table.Class<Note>("Note")("notes", { id: Column.integer({ primaryKey: true }), at: Column.dateTime({ nullable: true }) }) {}
 * const hooks: Events.ModelHooks<typeof Note, never, never> = {
 *   beforeInsert: (row) => Effect.map(DateTime.now, (at) => ({ ...row, at }))
 * }
 *
 * @since 0.3.0
 * @category models
 */
export interface ModelHooks<M extends Table.Any, E, R> {
  readonly beforeInsert?: (row: Schema.Schema.Type<M["insert"]>, context: HookContext) => Effect.Effect<void | Schema.Schema.Type<M["insert"]>, E, R>
  readonly afterInsert?: (row: InstanceType<M>, context: HookContext) => Effect.Effect<void, E, R>
  readonly beforeUpdate?: (row: InstanceType<M>, context: UpdateContext<InstanceType<M>>) => Effect.Effect<void | InstanceType<M>, E, R>
  readonly afterUpdate?: (row: InstanceType<M>, context: UpdateContext<InstanceType<M>>) => Effect.Effect<void, E, R>
  readonly beforeDelete?: (row: InstanceType<M>, context: HookContext) => Effect.Effect<void, E, R>
  readonly afterDelete?: (row: InstanceType<M>, context: HookContext) => Effect.Effect<void, E, R>
}

/**
 * The hooks of a session.
 *
 * @example
 * import { Effect } from "effect"
 * import type { Events } from "retort-orm"
 * const hooks: Events.SessionHooks<never, never> = { afterCommit: Effect.log("committed") }
 *
 * @since 0.3.0
 * @category models
 */
export interface SessionHooks<E, R> {
  readonly beforeFlush?: Effect.Effect<void, E, R>
  readonly afterFlush?: Effect.Effect<void, E, R>
  readonly beforeCommit?: Effect.Effect<void, E, R>
  readonly afterCommit?: Effect.Effect<void, E, R>
  readonly afterRollback?: Effect.Effect<void, E, R>
}

type AnyHook = (row: any, context: any) => Effect.Effect<any, any, any>

/**
 * Hooks to register with `Events.layer`: made by `forModel` or `session`. `E` and `R` are
 * the hooks' error and requirements.
 *
 * @example
 * import { Effect } from "effect"
 * import { Events } from "retort-orm"
 * const registration: Events.Registration<never, never> = Events.session({ afterCommit: Effect.log("committed") })
 *
 * @since 0.3.0
 * @category models
 */
export interface Registration<out E, out R> {
  readonly _E: (_: never) => E
  readonly _R: (_: never) => R
  readonly model: Table.Any | undefined
  readonly hooks: Readonly<Record<string, AnyHook | Effect.Effect<void, any, any> | undefined>>
}

/**
 * Hooks of one model.
 *
 * @example
 * import { DateTime, Effect } from "effect"
 * import { Column, Events, Table } from "retort-orm"
 * class Post extends Table.Class<Post>("Post")("posts", {
 *   id: Column.integer({ primaryKey: true }),
 *   title: Column.string({ length: 200 }),
 *   updatedAt: Column.dateTime({ nullable: true })
 * }) {}
 * const stamps = Events.forModel(Post, {
 *   beforeUpdate: (post) => Effect.map(DateTime.now, (updatedAt) => new Post({ ...post, updatedAt })),
 *   afterDelete: (post) => Effect.log(`deleted post ${post.id}`)
 * })
 *
 * @since 0.3.0
 * @category constructors
 */
export const forModel = <M extends Table.Any, E = never, R = never>(model: M, hooks: ModelHooks<M, E, R>): Registration<E, R> =>
  ({ model, hooks: hooks as Registration<E, R>["hooks"] }) as unknown as Registration<E, R>

/**
 * Hooks of the session.
 *
 * @example
 * import { Effect } from "effect"
 * import { Events } from "retort-orm"
 * const audit = Events.session({ beforeFlush: Effect.log("flushing"), afterRollback: Effect.logWarning("rolled back") })
 *
 * @since 0.3.0
 * @category constructors
 */
export const session = <E = never, R = never>(hooks: SessionHooks<E, R>): Registration<E, R> =>
  ({ model: undefined, hooks: hooks as Registration<E, R>["hooks"] }) as unknown as Registration<E, R>

/** A hook with its requirements provided and its failure a `HookFailed`. */
type Resolved<A extends ReadonlyArray<unknown>, B> = (...args: A) => Effect.Effect<B, HookFailed>

/**
 * The hooks of one model, resolved: several registrations are chained, a before hook
 * getting the row the previous one returned.
 *
 * @since 0.3.0
 * @category models
 */
export interface ResolvedModel {
  readonly beforeInsert?: Resolved<[row: Readonly<Record<string, unknown>>], Readonly<Record<string, unknown>> | undefined>
  readonly afterInsert?: Resolved<[row: object], void>
  readonly beforeUpdate?: Resolved<[row: object, previous: object, changes: Readonly<Record<string, unknown>>], object | undefined>
  readonly afterUpdate?: Resolved<[row: object, previous: object, changes: Readonly<Record<string, unknown>>], void>
  readonly beforeDelete?: Resolved<[row: object], void>
  readonly afterDelete?: Resolved<[row: object], void>
}

/**
 * Every hook registered, as the session runs them. Read by the session when it is made;
 * `empty` when no `Events.layer` is provided.
 *
 * @example
 * import { Effect } from "effect"
 * import { Events } from "retort-orm"
 * const count = Effect.map(Events.Events, (events) => events.models.size)
 *
 * @since 0.3.0
 * @category models
 */
export interface Registry {
  readonly models: ReadonlyMap<Table.Any, ResolvedModel>
  readonly beforeFlush: Effect.Effect<void, HookFailed>
  readonly afterFlush: Effect.Effect<void, HookFailed>
  readonly beforeCommit: Effect.Effect<void, HookFailed>
  readonly afterCommit: Effect.Effect<void, HookFailed>
  /** Never fails: a failure is logged. */
  readonly afterRollback: Effect.Effect<void>
  /** Registrations, with the context each was provided with: how layers add up. */
  readonly entries: ReadonlyArray<readonly [Registration<unknown, unknown>, Context.Context<never>]>
}

const failed = (hook: HookName, table: string | undefined) => (cause: unknown) =>
  new HookFailed({ message: `${hook} hook${table === undefined ? "" : ` of ${table}`} failed`, hook, table, cause })

const resolve = (entries: Registry["entries"]): Registry => {
  const run = (hook: HookName, table: string | undefined, effect: Effect.Effect<unknown, unknown, unknown>, context: Context.Context<never>) =>
    Effect.mapError(Effect.provide(effect as Effect.Effect<unknown, unknown, never>, context), failed(hook, table))
  const sessionHook = (hook: HookName): Effect.Effect<void, HookFailed> => {
    const effects = entries.flatMap(([r, context]) => {
      const effect = r.model === undefined ? r.hooks[hook] as Effect.Effect<void, unknown, unknown> | undefined : undefined
      return effect === undefined ? [] : [run(hook, undefined, effect, context)]
    })
    return effects.length === 0 ? Effect.void : Effect.asVoid(Effect.all(effects, { discard: true }))
  }
  const models = new Map<Table.Any, ResolvedModel>()
  for (const model of new Set(entries.flatMap(([r]) => (r.model === undefined ? [] : [r.model])))) {
    const table = TableModule.definition(model).tableName
    const of = (hook: HookName) =>
      entries.flatMap(([r, context]) => {
        const f = r.model === model ? r.hooks[hook] as AnyHook | undefined : undefined
        return f === undefined ? [] : [(row: unknown, ctx: unknown) => run(hook, table, f(row, ctx), context)]
      })
    // Before hooks chain: each sees the row the one before it returned.
    const before = <Rest extends ReadonlyArray<unknown>>(hook: HookName, ctx: (...rest: Rest) => object) => {
      const hooks = of(hook)
      if (hooks.length === 0) return undefined
      return (row: any, ...rest: Rest) =>
        Effect.reduce(hooks, { row, changed: false }, (acc, f) =>
          Effect.map(f(acc.row, { hook, table, ...ctx(...rest) }), (next) =>
            next === undefined || next === null ? acc : { row: next, changed: true })).pipe(
            Effect.map((acc) => (acc.changed ? acc.row : undefined))
          )
    }
    const after = <Rest extends ReadonlyArray<unknown>>(hook: HookName, ctx: (...rest: Rest) => object) => {
      const hooks = of(hook)
      if (hooks.length === 0) return undefined
      return (row: any, ...rest: Rest) => Effect.forEach(hooks, (f) => f(row, { hook, table, ...ctx(...rest) }), { discard: true })
    }
    const none = () => ({})
    const update = (previous: object, changes: object) => ({ previous, changes })
    models.set(model, {
      beforeInsert: before("beforeInsert", none),
      afterInsert: after("afterInsert", none),
      beforeUpdate: before("beforeUpdate", update),
      afterUpdate: after("afterUpdate", update),
      beforeDelete: before("beforeDelete", none),
      afterDelete: after("afterDelete", none)
    } as ResolvedModel)
  }
  return {
    models,
    beforeFlush: sessionHook("beforeFlush"),
    afterFlush: sessionHook("afterFlush"),
    beforeCommit: sessionHook("beforeCommit"),
    afterCommit: sessionHook("afterCommit"),
    afterRollback: Effect.catchAllCause(sessionHook("afterRollback"), (cause) =>
      Cause.isInterruptedOnly(cause) ? Effect.void : Effect.logWarning("retort: afterRollback hook failed", cause)),
    entries
  }
}

/**
 * No hooks.
 *
 * @example
 * import { Events } from "retort-orm"
 * const none = Events.empty.models.size === 0
 *
 * @since 0.3.0
 * @category constructors
 */
export const empty: Registry = resolve([])

/**
 * The registered hooks: a reference whose default is `empty`, so a session made where
 * no `Events.layer` is provided runs none.
 *
 * @example
 * import { Effect } from "effect"
 * import { Events } from "retort-orm"
 * const hasHooks = Effect.map(Events.Events, (events) => events.entries.length > 0)
 *
 * @since 0.3.0
 * @category tags
 */
export class Events extends Context.Reference<Events>()("retort/Events", { defaultValue: (): Registry => empty }) {}

/**
 * A layer registering hooks, for the sessions made where it is provided. Its
 * requirements are the hooks', provided to them when the layer is built. Built where
 * hooks are already registered, it adds to them (theirs run first).
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Engine, Events, Session, Table } from "retort-orm"
 * class Note extends Table.Class<Note>("Note")("notes", { id: Column.integer({ primaryKey: true }), body: Column.text() }) {}
 * const events = Events.layer(
 *   Events.forModel(Note, { afterInsert: (note) => Effect.log(`note ${note.id}`) }),
 *   Events.session({ afterCommit: Effect.log("committed") })
 * )
 * const program = Effect.flatMap(Session.Session, (s) => Effect.zipRight(s.add(Note, { body: "hi" }), s.commit)).pipe(
 *   Effect.provide(Session.layer),
 *   Effect.provide(events),
 *   Effect.provide(Engine.layer("sqlite://"))
 * )
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = <const Rs extends ReadonlyArray<Registration<any, any>>>(
  ...registrations: Rs
): Layer.Layer<Events, never, Rs[number] extends Registration<any, infer R> ? R : never> =>
  Layer.effect(
    Events,
    Effect.map(Effect.context<never>(), (context) => {
      const current = Context.get(context, Events)
      return resolve([...current.entries, ...registrations.map((r) => [r, context] as const)])
    })
  ) as Layer.Layer<Events, never, any>
