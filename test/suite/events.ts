/**
 * Events on a real database: model hooks in flush order (parents' inserts first,
 * children's deletes first), once per row; a before hook changing the row written; a
 * failing hook rolling the flush back; session hooks around flush, commit and rollback.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Data, Effect, Either, Exit, Layer } from "effect"
import * as Column from "../../src/Column.js"
import * as Events from "../../src/Events.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { captureLogs } from "../harness/capture.js"
import type { Suite } from "../harness/targets.js"

class Owner extends Table.Class<Owner>("Owner")("ev_owners", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 }),
  slug: Column.string({ length: 50, nullable: true })
}) {}

class Pet extends Table.Class<Pet>("Pet")("ev_pets", {
  id: Column.integer({ primaryKey: true }),
  ownerId: Column.integer({ name: "owner_id", references: () => Owner.c.id }),
  name: Column.string({ length: 50 }),
  edits: Column.integer({ default: 0 })
}) {}

const metadata = MetaData.make(Owner, Pet)
const fresh = Effect.zipRight(metadata.dropAll, metadata.createAll)

class Refused extends Data.TaggedError("Refused")<{ readonly name: string }> {}

/** A log the hooks write to, and hooks on both models and the session that record each call. */
const recording = () => {
  const log: Array<string> = []
  const note = (entry: string) => Effect.sync(() => void log.push(entry))
  const layer = Events.layer(
    Events.forModel(Owner, {
      beforeInsert: (row) => note(`beforeInsert owner ${row.name}`),
      afterInsert: (row) => note(`afterInsert owner ${row.name} #${row.id}`),
      beforeUpdate: (row) => note(`beforeUpdate owner ${row.name}`),
      afterUpdate: (row, ctx) => note(`afterUpdate owner ${row.name} (${Object.keys(ctx.changes).join(",")})`),
      beforeDelete: (row) => note(`beforeDelete owner ${row.name}`),
      afterDelete: (row) => note(`afterDelete owner ${row.name}`)
    }),
    Events.forModel(Pet, {
      beforeInsert: (row) => note(`beforeInsert pet ${row.name}`),
      afterInsert: (row) => note(`afterInsert pet ${row.name}`),
      beforeDelete: (row) => note(`beforeDelete pet ${row.name}`),
      afterDelete: (row) => note(`afterDelete pet ${row.name}`)
    }),
    Events.session({
      beforeFlush: note("beforeFlush"),
      afterFlush: note("afterFlush"),
      beforeCommit: note("beforeCommit"),
      afterCommit: note("afterCommit"),
      afterRollback: note("afterRollback")
    })
  )
  return { log, layer }
}

/** A session of its own, made where `events` is provided. */
const withSession = <A, E, R>(events: Layer.Layer<Events.Events>, f: (session: Session.Session) => Effect.Effect<A, E, R>) =>
  Effect.provide(Effect.scoped(Effect.flatMap(Session.make, f)), events)

const ownerNames = Effect.map(Query.execute(Query.select(Owner).orderBy(Owner.c.id)), (rows) => rows.map((r) => r.name))
const petCount = Effect.map(Query.execute(Query.select(Pet)), (rows) => rows.length)

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("Events", (it) => {
    it.effect("model hooks run once per row in flush order: parents' inserts first, children's deletes first", () =>
      Effect.gen(function*() {
        yield* fresh
        const { layer: events, log } = recording()
        yield* withSession(events, (s) =>
          Effect.gen(function*() {
            // Recorded child first: the flush still inserts the owners before the pets.
            yield* s.add(Pet, { id: 1, ownerId: 1, name: "Rex" })
            yield* s.add(Owner, { id: 1, name: "Ann" })
            yield* s.add(Owner, { id: 2, name: "Bob" })
            yield* s.add(Pet, { id: 2, ownerId: 2, name: "Tom" })
            yield* s.commit
          }))
        assert.deepStrictEqual(log, [
          "beforeCommit",
          "beforeFlush",
          "beforeInsert owner Ann",
          "beforeInsert owner Bob",
          "afterInsert owner Ann #1",
          "afterInsert owner Bob #2",
          "beforeInsert pet Rex",
          "beforeInsert pet Tom",
          "afterInsert pet Rex",
          "afterInsert pet Tom",
          "afterFlush",
          "afterCommit"
        ])
        log.length = 0
        yield* withSession(events, (s) =>
          Effect.gen(function*() {
            // Read first: a query autoflushes what is pending.
            const ann = yield* s.query(Owner).filterBy({ name: "Ann" }).one
            const bob = yield* s.query(Owner).filterBy({ name: "Bob" }).one
            const rex = yield* s.query(Pet).filterBy({ name: "Rex" }).one
            yield* s.delete(ann)
            yield* s.delete(rex)
            yield* s.update(bob, { name: "Robert" })
            yield* s.flush
            yield* s.commit
          }))
        assert.deepStrictEqual(log, [
          "beforeFlush",
          "beforeUpdate owner Robert",
          "afterUpdate owner Robert (name)",
          "beforeDelete pet Rex",
          "beforeDelete owner Ann",
          "afterDelete pet Rex",
          "afterDelete owner Ann",
          "afterFlush",
          "beforeCommit",
          "afterCommit"
        ])
        assert.deepStrictEqual(yield* ownerNames, ["Robert"])
      }))

    it.effect("a before hook's new row is validated and written; an after hook sees generated keys", () =>
      Effect.gen(function*() {
        yield* fresh
        const seen: Array<number> = []
        const events = Events.layer(
          Events.forModel(Owner, {
            beforeInsert: (row) => Effect.succeed({ ...row, slug: row.name.toLowerCase() }),
            afterInsert: (row) => Effect.sync(() => void seen.push(row.id)),
            beforeUpdate: (row) => Effect.succeed(new Owner({ ...row, slug: `${row.name.toLowerCase()}!` }))
          }),
          // A second registration for the model chains: it sees the first one's row.
          Events.forModel(Owner, { beforeInsert: (row) => Effect.succeed({ ...row, slug: `${row.slug}-2` }) }),
          Events.forModel(Pet, { beforeUpdate: (row) => Effect.succeed(new Pet({ ...row, edits: row.edits + 1 })) })
        )
        yield* withSession(events, (s) =>
          Effect.gen(function*() {
            yield* s.add(Owner, { name: "Ann" })
            const bob = yield* s.insert(Owner, { name: "Zed" }).pipe(Effect.zipRight(s.query(Owner).filterBy({ name: "Ann" }).one))
            yield* s.add(Pet, { ownerId: bob.id, name: "Rex" })
            yield* s.commit
            const ann = yield* s.query(Owner).filterBy({ name: "Ann" }).one
            assert.strictEqual(ann.slug, "ann-2")
            const updated = yield* s.update(ann, { name: "Anna" })
            yield* s.flush
            assert.strictEqual((yield* s.get(Owner, updated.id)).pipe((o) => o._tag === "Some" ? o.value.slug : undefined), "anna!")
            const rex = yield* s.query(Pet).filterBy({ name: "Rex" }).one
            yield* s.update(rex, { name: "Rexy" })
            yield* s.commit
          }))
        const [anna] = yield* Query.execute(Query.select(Owner).where(Owner.c.name.eq("Anna")))
        assert.strictEqual(anna!.slug, "anna!")
        const [rexy] = yield* Query.execute(Query.select(Pet))
        assert.deepStrictEqual([rexy!.name, rexy!.edits], ["Rexy", 1])
        // Ann at the flush, Zed by `insert`.
        assert.strictEqual(seen.length, 2)
        // A row the hook makes invalid fails the flush with EncodeError, nothing written.
        const bad = Events.layer(Events.forModel(Pet, { beforeInsert: (row) => Effect.succeed({ ...row, name: "x".repeat(80) }) }))
        const result = yield* withSession(bad, (s) => Effect.zipRight(s.add(Pet, { ownerId: anna!.id, name: "Long" }), s.commit)).pipe(Effect.either)
        assert.isTrue(Either.isLeft(result) && result.left._tag === "EncodeError")
        assert.strictEqual(yield* petCount, 1)
        // Likewise the row it was given, changed and handed back: validated again, not trusted.
        const changed = Events.layer(Events.forModel(Pet, {
          beforeInsert: (row) => {
            ;(row as { name: string }).name = "y".repeat(80)
            return Effect.succeed(row)
          }
        }))
        const again = yield* withSession(changed, (s) => Effect.zipRight(s.addAll(Pet, [{ ownerId: anna!.id, name: "Long" }, { ownerId: anna!.id, name: "Longer" }]), s.commit)).pipe(Effect.either)
        assert.isTrue(Either.isLeft(again) && again.left._tag === "EncodeError")
        assert.strictEqual(yield* petCount, 1)
      }))

    it.effect("a failing hook fails the flush with HookFailed and rolls back every row of it", () =>
      Effect.gen(function*() {
        yield* fresh
        const { layer: recorder, log } = recording()
        const refuse = Events.layer(
          Events.forModel(Pet, { afterInsert: (row) => row.name === "Bad" ? Effect.fail(new Refused({ name: row.name })) : Effect.void })
        ).pipe(Layer.provide(recorder))
        const result = yield* withSession(refuse, (s) =>
          Effect.gen(function*() {
            yield* s.add(Owner, { id: 1, name: "Ann" })
            yield* s.addAll(Pet, [{ ownerId: 1, name: "Good" }, { ownerId: 1, name: "Bad" }])
            yield* s.commit
          })).pipe(Effect.either)
        assert.isTrue(Either.isLeft(result))
        if (Either.isLeft(result)) {
          assert.strictEqual(result.left._tag, "HookFailed")
          if (result.left._tag === "HookFailed") {
            assert.strictEqual(result.left.hook, "afterInsert")
            assert.strictEqual(result.left.table, "ev_pets")
            assert.deepStrictEqual(result.left.cause, new Refused({ name: "Bad" }))
          }
        }
        assert.deepStrictEqual(yield* ownerNames, [])
        assert.strictEqual(yield* petCount, 0)
        assert.strictEqual(log.filter((l) => l === "afterRollback").length, 1)
        assert.notInclude(log, "afterFlush")
        assert.notInclude(log, "afterCommit")

        // In a transaction block: the block fails with it and rolls back.
        const inBlock = yield* withSession(refuse, (s) =>
          s.transaction(Effect.zipRight(s.add(Owner, { id: 2, name: "Bob" }), s.add(Pet, { ownerId: 2, name: "Bad" })))).pipe(Effect.either)
        assert.isTrue(Either.isLeft(inBlock) && inBlock.left._tag === "HookFailed")
        assert.deepStrictEqual(yield* ownerNames, [])

        // In a nested block: only the savepoint rolls back; the outer block's rows are committed.
        yield* withSession(refuse, (s) =>
          s.transaction(Effect.gen(function*() {
            yield* s.add(Owner, { id: 3, name: "Cid" })
            const nested = yield* s.transaction(Effect.zipRight(s.add(Owner, { id: 4, name: "Dan" }), s.add(Pet, { ownerId: 3, name: "Bad" }))).pipe(Effect.either)
            assert.isTrue(Either.isLeft(nested) && nested.left._tag === "HookFailed")
            yield* s.add(Pet, { ownerId: 3, name: "Good" })
          })))
        assert.deepStrictEqual(yield* ownerNames, ["Cid"])
        assert.strictEqual(yield* petCount, 1)
      }))

    it.effect("beforeCommit failing rolls back; afterCommit failing leaves the data committed; afterRollback on rollback", () =>
      Effect.gen(function*() {
        yield* fresh
        const before = Events.layer(Events.session({ beforeCommit: Effect.fail(new Refused({ name: "commit" })) }))
        const refused = yield* withSession(before, (s) => Effect.zipRight(s.add(Owner, { name: "Ann" }), Effect.zipRight(s.flush, s.commit))).pipe(Effect.either)
        assert.isTrue(Either.isLeft(refused) && refused.left._tag === "HookFailed" && refused.left.hook === "beforeCommit")
        assert.deepStrictEqual(yield* ownerNames, [])

        const after = Events.layer(Events.session({ afterCommit: Effect.fail(new Refused({ name: "after" })) }))
        const late = yield* withSession(after, (s) => Effect.zipRight(s.add(Owner, { name: "Bob" }), s.commit)).pipe(Effect.either)
        assert.isTrue(Either.isLeft(late) && late.left._tag === "HookFailed" && late.left.hook === "afterCommit")
        assert.deepStrictEqual(yield* ownerNames, ["Bob"])

        const { layer: recorder, log } = recording()
        yield* withSession(recorder, (s) =>
          Effect.gen(function*() {
            yield* s.rollback // nothing begun: no ROLLBACK, no hook
            yield* s.add(Owner, { id: 10, name: "Cid" })
            yield* s.flush
            yield* s.rollback
          }))
        assert.deepStrictEqual(log, ["beforeFlush", "beforeInsert owner Cid", "afterInsert owner Cid #10", "afterFlush", "afterRollback"])
        assert.deepStrictEqual(yield* ownerNames, ["Bob"])
        // A failing afterRollback is logged: the rollback still succeeds.
        const noisy = Events.layer(Events.session({ afterRollback: Effect.fail(new Refused({ name: "rb" })) }))
        const { entries, exit } = yield* captureLogs(
          withSession(noisy, (s) => Effect.zipRight(Effect.zipRight(s.add(Owner, { name: "Dan" }), s.flush), s.rollback))
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.isTrue(entries.some((e) => e.level === "WARN" && e.message.includes("afterRollback hook failed")))
        assert.deepStrictEqual(yield* ownerNames, ["Bob"])
        yield* metadata.dropAll
      }))
  })
}
