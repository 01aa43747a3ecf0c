/**
 * Lazy loading without N+1 on a real database: a loop of `load` calls is one query per
 * relation and level (the instances of one result remember it), whatever the `forEach`
 * options; `lazyLoad: "raise"` sessions refuse lazy loads but serve eager ones; relation
 * `orderBy` (and the primary key order without it) on every database. Statement counts
 * come from the engine's echo, split by marks the test logs.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Exit, Fiber, Option } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import { LazyLoadRefused } from "../../src/Errors.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Relation from "../../src/Relation.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { captureLogs } from "../harness/capture.js"
import { engineFor, failure } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

class LUser extends Table.Class<LUser>("LUser")("l_users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  managerId: Column.integer({ nullable: true, name: "manager_id", references: (): Column.AnyRef => LUser.c.id })
}) {}

class LPost extends Table.Class<LPost>("LPost")("l_posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => LUser.c.id }),
  title: Column.string({ length: 100 })
}) {}

class LTag extends Table.Class<LTag>("LTag")("l_tags", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  managerId: Column.integer({ nullable: true, name: "manager_id", references: (): Column.AnyRef => LUser.c.id })
}) {}

class LPostTag extends Table.Class<LPostTag>("LPostTag")("l_post_tags", {
  postId: Column.integer({ name: "post_id", references: () => LPost.c.id }),
  tagId: Column.integer({ name: "tag_id", references: () => LTag.c.id })
}, { primaryKey: ["postId", "tagId"] }) {}

const UserPosts = Relation.oneToMany(LUser, LPost, { foreignKey: LPost.c.authorId })
const NewestFirst = Relation.oneToMany(LUser, LPost, { foreignKey: LPost.c.authorId, orderBy: [LPost.c.id.desc()], name: "LUser.newest" })
const Reports = Relation.oneToMany(LUser, LUser, { foreignKey: LUser.c.managerId })
const PostAuthor = Relation.manyToOne(LPost, LUser, { foreignKey: LPost.c.authorId })
const PostTags = Relation.manyToMany(LPost, LTag, { through: LPostTag, source: LPostTag.c.postId, target: LPostTag.c.tagId })
const TagsByName = Relation.manyToMany(LPost, LTag, {
  through: LPostTag,
  source: LPostTag.c.postId,
  target: LPostTag.c.tagId,
  orderBy: [LTag.c.name.desc()]
})

const metadata = MetaData.make(LUser, LPost, LTag, LPostTag)

/** 50 users with two posts each (ids 2u and 2u+1, the second first in the table), tags in reverse id order. */
const seed = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  yield* Query.execute(Query.insert(LUser).values(Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `user ${i + 1}`, managerId: i === 0 ? null : Math.floor((i + 1) / 2) }))))
  yield* Query.execute(Query.insert(LPost).values(Array.from({ length: 50 }, (_, i) => [
    { id: 2 * (i + 1) + 1, authorId: i + 1, title: `second of ${i + 1}` },
    { id: 2 * (i + 1), authorId: i + 1, title: `first of ${i + 1}` }
  ]).flat()))
  yield* Query.execute(Query.insert(LTag).values([{ id: 3, name: "alpha" }, { id: 2, name: "gamma" }, { id: 1, name: "beta" }]))
  // Association rows inserted in an order unlike either the tags' ids or names.
  yield* Query.execute(Query.insert(LPostTag).values(
    [4, 5, 6, 7].flatMap((postId) => [{ postId, tagId: 2 }, { postId, tagId: 3 }, { postId, tagId: 1 }])
  ))
})

const mark = Effect.log("~mark")

export const suite: Suite = (layer, target) => {
  const echoUrl = target.dialect === "sqlite" ? target.sharedUrl : target.url
  /**
   * Seeds, then runs `body` in a session of an echoing engine; returns its value and the
   * number of SELECTs between each `mark` it logs (the first count starts after the seed).
   */
  const counted = <A, E>(body: Effect.Effect<A, E, Session.Session | Engine.Engine>, options?: Session.Options) =>
    Effect.gen(function*() {
      const program = Effect.zipRight(Effect.zipRight(seed, mark), Session.use((s) => Effect.provideService(body, Session.Session, s), options))
      const { entries, exit } = yield* captureLogs(
        Effect.scoped(Effect.flatMap(engineFor(echoUrl, { echo: true }), (engine) => Effect.provideService(program, Engine.Engine, engine)))
      )
      assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? String(exit.cause) : "")
      const counts: Array<number> = []
      for (const e of entries) {
        if (e.message === "~mark") counts.push(0)
        else if (counts.length > 0 && e.message.startsWith("SELECT") && !e.message.startsWith("SELECT setval")) counts[counts.length - 1]!++
      }
      return { value: (exit as Exit.Success<A, E>).value, counts }
    })
  const users = Effect.flatMap(Session.Session, (s) => s.query(LUser).orderBy(LUser.c.id).all)

  testLayer(layer, { excludeTestServices: true })("Lazy loading", (it) => {
    it.effect("a plain loop of 50 loads is one query per relation and level", () =>
      Effect.gen(function*() {
        const { counts, value } = yield* counted(Effect.gen(function*() {
          const all = yield* users
          yield* mark
          const tagCounts: Array<number> = []
          for (const user of all) {
            const posts = yield* UserPosts.load(user)
            for (const post of posts) tagCounts.push((yield* PostTags.load(post)).length)
          }
          yield* mark
          // Loaded once for the whole result: a second loop asks nothing of the database.
          for (const user of all) yield* UserPosts.load(user)
          return tagCounts
        }))
        assert.deepStrictEqual(counts, [1, 2, 0])
        assert.strictEqual(value.length, 100)
        assert.deepStrictEqual(value.slice(0, 8), [0, 0, 3, 3, 3, 3, 0, 0])
      }))

    it.effect("self-referential: the related rows are the looped-over instances, still one query", () =>
      Effect.gen(function*() {
        const { counts, value } = yield* counted(Effect.gen(function*() {
          const all = yield* users
          yield* mark
          const reports: Array<ReadonlyArray<number>> = []
          for (const user of all) reports.push((yield* Reports.load(user)).map((u) => u.id))
          return reports
        }))
        assert.deepStrictEqual(counts, [1, 1])
        assert.deepStrictEqual(value.slice(0, 3), [[2, 3], [4, 5], [6, 7]])
        assert.deepStrictEqual(value[49], [])
      }))

    it.effect("Effect.forEach of loads is one query: sequential, { concurrency: 5 }, unbounded, { batching: true }", () =>
      Effect.gen(function*() {
        const { counts, value } = yield* counted(Effect.gen(function*() {
          const results: Array<number> = []
          const rounds = [{}, { concurrency: 5 }, { concurrency: "unbounded" as const }, { batching: true }]
          // Other users per round: a result set of its own, loaded afresh.
          const s = yield* Session.Session
          const lists = yield* Effect.forEach(rounds, (_, i) =>
            s.query(LUser).where(LUser.c.id.in(Array.from({ length: 12 }, (_, k) => 4 * k + i + 1))).all)
          for (const [i, options] of rounds.entries()) {
            yield* mark
            const posts = yield* Effect.forEach(lists[i]!, (u) => UserPosts.load(u), options)
            results.push(posts.flat().length)
          }
          return results
        }))
        assert.deepStrictEqual(counts, [4, 1, 1, 1, 1])
        assert.deepStrictEqual(value, [24, 24, 24, 24])
      }))

    it.effect("instances of no common result (session.get) batch when their loads run together", () =>
      Effect.gen(function*() {
        const { counts, value } = yield* counted(Effect.gen(function*() {
          const s = yield* Session.Session
          const some = yield* Effect.forEach([1, 2, 3, 4, 5], (id) => Effect.map(s.get(LUser, id), Option.getOrThrow))
          yield* mark
          const concurrent = yield* Effect.forEach(some, (u) => UserPosts.load(u), { concurrency: "unbounded" })
          yield* mark
          const batched = yield* Effect.forEach(some, (u) => UserPosts.load(u), { batching: true })
          return [concurrent, batched].map((r) => r.map((posts) => posts.map((p) => p.id)))
        }))
        assert.deepStrictEqual(counts, [5, 1, 1])
        assert.deepStrictEqual(value[0], [[2, 3], [4, 5], [6, 7], [8, 9], [10, 11]])
        assert.deepStrictEqual(value[1], value[0])
      }))

    it.effect("a write makes the next load query again, and see it", () =>
      Effect.gen(function*() {
        const { counts, value } = yield* counted(Effect.gen(function*() {
          const s = yield* Session.Session
          const all = yield* users
          yield* UserPosts.load(all[0]!)
          yield* mark
          yield* s.add(LPost, { id: 500, authorId: 1, title: "new" })
          const after = yield* UserPosts.load(all[0]!)
          yield* UserPosts.load(all[1]!)
          return after.map((p) => p.id)
        }))
        assert.deepStrictEqual(counts, [2, 1])
        assert.deepStrictEqual(value, [2, 3, 500])
      }))

    it.effect("eagerly loaded relations are served without a query", () =>
      Effect.gen(function*() {
        const { counts, value } = yield* counted(Effect.gen(function*() {
          const s = yield* Session.Session
          const all = yield* s.query(LUser).orderBy(LUser.c.id).with({ posts: UserPosts.with({ tags: PostTags }) }).all
          yield* mark
          const loaded = yield* Effect.forEach(all, (u) => UserPosts.with({ tags: PostTags }).load(u))
          const plain = yield* UserPosts.load(all[1]!)
          return { loaded, plain, eager: all }
        }))
        assert.deepStrictEqual(counts, [3, 0])
        assert.strictEqual(value.loaded[1], value.eager[1]!.posts)
        assert.deepStrictEqual(value.plain.map((p) => p.id), [4, 5])
      }))

    it.effect("lazyLoad: \"raise\" refuses a lazy load with LazyLoadRefused, serves an eager one", () =>
      Effect.gen(function*() {
        const { counts, value } = yield* counted(
          Effect.gen(function*() {
            const s = yield* Session.Session
            const plain = yield* users
            const refused = yield* Effect.exit(UserPosts.load(plain[0]!))
            const named = yield* Effect.exit(NewestFirst.load(plain[0]!))
            const eager = yield* s.query(LUser).where(LUser.c.id.lte(3)).orderBy(LUser.c.id).with({ posts: UserPosts }).all
            yield* mark
            const served = yield* Effect.forEach(eager, (u) => UserPosts.load(u))
            const author = yield* Effect.exit(PostAuthor.load(eager[0]!.posts[0]!))
            return { refused, named, served, author }
          }),
          { lazyLoad: "raise" }
        )
        const error = failure(value.refused)
        assert.instanceOf(error, LazyLoadRefused)
        assert.strictEqual(error._tag, "LazyLoadRefused")
        assert.strictEqual(error.model, "LUser")
        assert.strictEqual(error.relation, "oneToMany(LUser, LPost)")
        assert.include(error.message, "LUser")
        assert.include(error.message, "oneToMany(LUser, LPost)")
        assert.strictEqual((failure(value.named) as LazyLoadRefused).relation, "LUser.newest")
        assert.deepStrictEqual(value.served.map((posts) => posts.map((p) => p.id)), [[2, 3], [4, 5], [6, 7]])
        assert.strictEqual(failure(value.author)._tag, "LazyLoadRefused")
        // The users, then the eager query and its relation; nothing after.
        assert.deepStrictEqual(counts, [3, 0])
      }))

    it.effect("orderBy applies to eager and lazy loads; without it, the target's primary key orders them", () =>
      Effect.gen(function*() {
        yield* seed
        yield* Session.use((s) =>
          Effect.gen(function*() {
            const eager = yield* s.query(LUser).where(LUser.c.id.lte(3)).orderBy(LUser.c.id).with({ newest: NewestFirst, posts: UserPosts }).all
            assert.deepStrictEqual(eager.map((u) => u.newest.map((p) => p.id)), [[3, 2], [5, 4], [7, 6]])
            assert.deepStrictEqual(eager.map((u) => u.posts.map((p) => p.id)), [[2, 3], [4, 5], [6, 7]])
            const plain = yield* s.query(LUser).where(LUser.c.id.lte(3)).orderBy(LUser.c.id).all
            const lazy = yield* Effect.forEach(plain, (u) => NewestFirst.load(u)).pipe(Effect.provideService(Session.Session, s))
            assert.deepStrictEqual(lazy.map((posts) => posts.map((p) => p.id)), [[3, 2], [5, 4], [7, 6]])
            const posts = yield* s.query(LPost).where(LPost.c.id.in([4, 5])).orderBy(LPost.c.id).with({ tags: PostTags, byName: TagsByName }).all
            assert.deepStrictEqual(posts.map((p) => p.tags.map((t) => t.id)), [[1, 2, 3], [1, 2, 3]])
            assert.deepStrictEqual(posts.map((p) => p.byName.map((t) => t.name)), [["gamma", "beta", "alpha"], ["gamma", "beta", "alpha"]])
            const lazyTags = yield* TagsByName.load(posts[0]!).pipe(Effect.provideService(Session.Session, s))
            assert.deepStrictEqual(lazyTags.map((t) => t.name), ["gamma", "beta", "alpha"])
          })
        )
      }))

    it.effect("an interrupted load leaves nothing behind: the next load of the same instances queries", () =>
      Effect.gen(function*() {
        yield* seed
        yield* Session.use((s) =>
          Effect.gen(function*() {
            const all = yield* s.query(LUser).orderBy(LUser.c.id).all
            const lone = Option.getOrThrow(yield* s.get(LUser, 7))
            // Interrupted while gathering its window (the get path) and while loading (the result-set path).
            for (const entity of [lone, all[0]!]) {
              const fiber = yield* Effect.fork(UserPosts.load(entity).pipe(Effect.provideService(Session.Session, s)))
              yield* Effect.yieldNow()
              yield* Fiber.interrupt(fiber)
            }
            const again = yield* Effect.all([UserPosts.load(lone), UserPosts.load(all[0]!)]).pipe(Effect.provideService(Session.Session, s))
            assert.deepStrictEqual(again.map((posts) => posts.map((p) => p.id)), [[14, 15], [2, 3]])
          })
        )
      }))

    it.effect("drop", () => metadata.dropAll)
  })
}
