/**
 * The session object `Session.make` and `Session.use` hand out. Called only by `src/Session.ts`.
 *
 * A class rather than an object literal: V8 may pretenure (allocate in the old generation)
 * a literal's allocation site whose objects outlive a young GC, and a pretenured session
 * holding its closures kept every one of them alive until the next full GC. A session made
 * per lookup then cost 30–70 µs instead of 3 (`node .bench/bench/gcProbe.js use`);
 * constructed objects are never pretenured.
 *
 * Each member is a getter on the prototype that makes its function (or Effect) on first
 * use and keeps it: a session made for one lookup makes one closure, not fifteen, and
 * `const { get } = session` still works, the function being bound to its session.
 */
import { Effect, Either, Exit, RuntimeFlags, type Scope } from "effect"
import * as Engine from "../../Engine.js"
import type * as Events from "../../Events.js"
import { EncodeError, NoResultFound } from "../../Errors.js"
import * as Query from "../../Query.js"
import type * as RelationModule from "../../Relation.js"
import type { Options, Session, SessionError } from "../../Session.js"
import * as Table from "../../Table.js"
import { LazyLoads, register } from "../loading/LazyLoads.js"
import { loadFor } from "../loading/Loader.js"
import { fromSource, keyValue } from "../loading/RelationDef.js"
import { insertRow } from "../query/insertRow.js"
import { watchWith } from "../query/watch.js"
import { noDrafts } from "./ChangeSet.js"
import * as Drafts from "./Drafts.js"
import { IdentityMap, modelOf } from "./IdentityMap.js"
import * as Persister from "./Persister.js"
import { get as getByKey, query as queryOf, type Reader } from "./SessionQuery.js"
import * as SessionTransaction from "./SessionTransaction.js"
import { prepareUpdate } from "./UnitOfWork.js"
import { insertValues } from "../rows.js"

class ReaderObject implements Reader {
  constructor(
    readonly engine: Reader["engine"],
    readonly transaction: Reader["transaction"],
    readonly execute: Reader["execute"],
    readonly session: Reader["session"]
  ) {}
}

export class SessionObject implements Session {
  readonly engine: Session["engine"]
  private readonly tx: SessionTransaction.SessionTransaction
  private readonly lazy: LazyLoads
  private readonly events: Events.Registry
  // Made on first use, each once.
  private touchedEffect: Effect.Effect<void> | undefined = undefined
  private readerObject: Reader | undefined = undefined
  private commitEffect: Session["commit"] | undefined = undefined
  private rollbackEffect: Session["rollback"] | undefined = undefined
  private addFn: Session["add"] | undefined = undefined
  private addAllFn: Session["addAll"] | undefined = undefined
  private insertFn: Session["insert"] | undefined = undefined
  private updateFn: Session["update"] | undefined = undefined
  private deleteFn: Session["delete"] | undefined = undefined
  private mergeFn: Session["merge"] | undefined = undefined
  private getFn: Session["get"] | undefined = undefined
  private queryFn: Session["query"] | undefined = undefined
  private executeFn: Session["execute"] | undefined = undefined
  private scalarFn: Session["scalar"] | undefined = undefined
  private existsFn: Session["exists"] | undefined = undefined
  private watchFn: Session["watch"] | undefined = undefined
  private refreshFn: Session["refresh"] | undefined = undefined
  private transactionFn: Session["transaction"] | undefined = undefined

  constructor(engine: Engine.Engine, scope: () => Scope.Scope, events: Events.Registry, options?: Options) {
    this.engine = engine
    this.events = events
    const tenant = options?.schema === undefined && options?.settings === undefined
      ? undefined
      : { ...(options.schema === undefined ? {} : { schema: options.schema }), ...(options.settings === undefined ? {} : { settings: options.settings }) }
    this.tx = SessionTransaction.build(engine, new IdentityMap(), scope, events, tenant)
    this.lazy = new LazyLoads(options?.lazyLoad ?? "batch", this.tx)
    register(this, this.lazy)
  }

  // What lazy loads loaded for a result set is stale once the session writes.
  private get touched(): Effect.Effect<void> {
    return this.touchedEffect ??= Effect.sync(() => this.lazy.touch())
  }
  private touching<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> {
    return Effect.zipRight(this.touched, effect)
  }
  private get reader(): Reader {
    return this.readerObject ??= new ReaderObject(this.engine, this.tx, this.execute, this)
  }

  get flush(): Session["flush"] {
    return this.tx.flush
  }
  get commit(): Session["commit"] {
    return this.commitEffect ??= this.touching(this.tx.commit)
  }
  get rollback(): Session["rollback"] {
    return this.rollbackEffect ??= this.touching(this.tx.rollback)
  }

  get add(): Session["add"] {
    return this.addFn ??= (model: Table.Any, values: unknown, related?: Readonly<Record<string, RelationModule.Drafts>>) =>
      Effect.suspend(() => {
        this.lazy.touch()
        const def = Table.definition(model)
        if (related === undefined || Object.keys(related).length === 0) {
          // flatMap, not Effect.zipWith: zipWith runs through Effect.all, several times the
          // cost of the row's own validation (workload b adds 10,000 rows one by one).
          return Effect.flatMap(Persister.validate(model, def, values), (valid) =>
            Effect.map(this.tx.recording, (unit) => {
              unit.add({ model, def, values: valid, children: noDrafts })
            }))
        }
        return Effect.flatMap(Drafts.prepare(model, def, values, related), (insert) => Effect.map(this.tx.recording, (unit) => unit.add(insert)))
      })
  }

  // Every row validated before any is recorded: a bad row adds none, and 10,000 rows take
  // one Effect, not three each.
  get addAll(): Session["addAll"] {
    return this.addAllFn ??= (model, rows) =>
      Effect.suspend(() => {
        this.lazy.touch()
        const def = Table.definition(model)
        const valid = new Array<Record<string, unknown>>(rows.length)
        try {
          for (let i = 0; i < rows.length; i++) valid[i] = insertValues(model, def, rows[i], true)
        } catch (e) {
          if (e instanceof EncodeError) return Effect.fail(e)
          throw e
        }
        return Effect.map(this.tx.recording, (unit) => {
          for (const values of valid) unit.add({ model, def, values, children: noDrafts })
        })
      })
  }

  // Row by row in a transaction is the hot loop: the unit and the transaction in effect are
  // read from the fiber directly, and nothing pending means no flush to run first.
  get insert(): Session["insert"] {
    return this.insertFn ??= (model, values) =>
      Effect.withFiberRuntime((fiber, status) => {
        this.lazy.touch()
        const unit = this.tx.unitIn(fiber)
        const def = Table.definition(model)
        const hooks = this.events.models.get(model)
        const clean = unit.changes.isEmpty && unit.flushing === 0
        const merged = (created: object) => unit.identity.merge(def, created) as InstanceType<typeof model>
        // In a transaction already, nothing to write first (the row-by-row loop): the statement
        // may run in this step (SQLite), as `runWriteIn` would run it as it is. Then the Effect
        // returned is an Exit, done: no step of its own.
        const now = clean && fiber.getFiberRef(this.engine.currentTransaction) !== undefined ? fiber : undefined
        // The instance is merged in the step that completes it (no `Effect.map` of its own).
        const inserting = hooks === undefined ? insertRow(this.engine, model, def, values, now, merged, RuntimeFlags.interruptible(status.runtimeFlags)) : undefined
        type Inserted = Effect.Effect<InstanceType<typeof model>, Effect.Effect.Error<ReturnType<typeof insertRow>>>
        if (now !== undefined && inserting !== undefined && Exit.isExit(inserting)) return inserting as unknown as Inserted
        const write = inserting !== undefined
          ? this.tx.runWriteIn(fiber, inserting as unknown as Inserted)
          : Effect.map(
            this.tx.runWrite(Effect.provideService(Persister.insertOne(model, def, values, hooks!), Engine.Engine, this.engine)),
            (created) => merged(created as object)
          )
        return clean ? write : Effect.zipRight(this.tx.flush, write)
      })
  }

  get update(): Session["update"] {
    return this.updateFn ??= (entity, updates) =>
      Effect.suspend(() => {
        this.lazy.touch()
        const prepared = prepareUpdate(entity, updates)
        if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
        if (prepared.right.changed.length === 0) return Effect.succeed(entity)
        return Effect.map(this.tx.recording, (unit) => {
          unit.update(prepared.right)
          return prepared.right.next as typeof entity
        })
      })
  }

  get delete(): Session["delete"] {
    return this.deleteFn ??= (entity) =>
      Effect.gen(this, function*() {
        this.lazy.touch()
        const model = modelOf(entity)
        const def = Table.definition(model)
        // Cascading relations first: their rows are deleted too (children before parents at flush).
        for (const relation of fromSource(model)) {
          if (!relation.cascade.delete) continue
          const related = yield* loadFor(relation, this, [keyValue(entity, relation.sourceKeys)])
          for (const child of [...related.values()].flat()) yield* this.delete(child)
        }
        ;(yield* this.tx.recording).delete(model, def, entity)
      })
  }

  get merge(): Session["merge"] {
    return this.mergeFn ??= (entity) => this.tx.unitNow().identity.merge(Table.definition(modelOf(entity)), entity)
  }

  get get(): Session["get"] {
    return this.getFn ??= (model, key) => getByKey(this.reader, model, key)
  }

  get query(): Session["query"] {
    return this.queryFn ??= (model) => queryOf(this.reader, model)
  }

  get execute(): Session["execute"] {
    return this.executeFn ??= <Q extends Query.Compilable>(query: Q): Effect.Effect<Query.Result<Q>, SessionError> =>
      writes(query)
        ? this.touching(Effect.zipRight(this.tx.flush, this.tx.runWrite(Query.executeWith(this.engine, query))))
        : Effect.zipRight(this.tx.flush, this.tx.run(Query.executeWith(this.engine, query)))
  }

  get scalar(): Session["scalar"] {
    return this.scalarFn ??= (query) => {
      const scalar = Query.scalarWith(this.engine, query)
      return Effect.zipRight(this.tx.flush, writes(query) ? this.tx.runWrite(scalar) : this.tx.run(scalar))
    }
  }

  get exists(): Session["exists"] {
    return this.existsFn ??= (query) => {
      const exists = Query.existsWith(this.engine, query)
      return Effect.zipRight(this.tx.flush, writes(query) ? this.tx.runWrite(exists) : this.tx.run(exists))
    }
  }

  get watch(): Session["watch"] {
    return this.watchFn ??= (query) => watchWith(this.engine, query)
  }

  get refresh(): Session["refresh"] {
    return this.refreshFn ??= (entity) =>
      Effect.gen(this, function*() {
        this.lazy.touch()
        const model = modelOf(entity)
        const def = Table.definition(model)
        const rows = yield* this.execute(Query.select(model).where(Persister.locate(model, def, entity as Record<string, unknown>)))
        if (rows.length === 0) return yield* new NoResultFound({ message: `${def.identifier} no longer exists`, table: def.tableName })
        ;(yield* this.tx.unit).identity.replace(def, rows[0] as object)
        return rows[0] as typeof entity
      })
  }

  // A block's writes are undone if it fails: what was loaded inside it is stale after it too.
  get transaction(): Session["transaction"] {
    return this.transactionFn ??= (effect, options) => this.touching(Effect.ensuring(this.tx.transaction(effect, options), this.touched))
  }
}

// A locking select writes in effect: its locks last only as long as the session's transaction.
const writes = (query: Query.Compilable) =>
  query.node._tag === "Select" ? query.node.lock !== undefined : query.node._tag !== "Compound"
