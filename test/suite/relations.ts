/**
 * Relationships on a real database: contents of every kind of relation, nested eager
 * loading, statement counts (read from the engine's echo), batched lazy loads, drafts,
 * cascades and EXISTS filters.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Relation from "../../src/Relation.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { captureLogs } from "../harness/capture.js"
import { engineFor } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

class RUser extends Table.Class<RUser>("RUser")("r_users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  managerId: Column.integer({ nullable: true, name: "manager_id", references: (): Column.AnyRef => RUser.c.id })
}) {}

class RProfile extends Table.Class<RProfile>("RProfile")("r_profiles", {
  id: Column.integer({ primaryKey: true }),
  userId: Column.integer({ name: "user_id", unique: true, references: () => RUser.c.id }),
  bio: Column.text()
}) {}

class RPost extends Table.Class<RPost>("RPost")("r_posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => RUser.c.id }),
  title: Column.string({ length: 100 }),
  status: Column.literal("draft", "published")
}) {}

class RTag extends Table.Class<RTag>("RTag")("r_tags", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 })
}) {}

class RPostTag extends Table.Class<RPostTag>("RPostTag")("r_post_tags", {
  postId: Column.integer({ name: "post_id", references: () => RPost.c.id }),
  tagId: Column.integer({ name: "tag_id", references: () => RTag.c.id })
}, { primaryKey: ["postId", "tagId"] }) {}

class RComment extends Table.Class<RComment>("RComment")("r_comments", {
  id: Column.integer({ primaryKey: true }),
  postId: Column.integer({ nullable: true, name: "post_id", references: () => RPost.c.id }),
  body: Column.text()
}) {}

const UserPosts = Relation.oneToMany(RUser, RPost, { foreignKey: RPost.c.authorId })
const PostAuthor = Relation.manyToOne(RPost, RUser, { foreignKey: RPost.c.authorId })
const UserProfile = Relation.oneToOne(RUser, RProfile, { foreignKey: RProfile.c.userId })
const ProfileUser = Relation.oneToOne(RProfile, RUser, { foreignKey: RProfile.c.userId })
const PostTags = Relation.manyToMany(RPost, RTag, { through: RPostTag, source: RPostTag.c.postId, target: RPostTag.c.tagId })
const Manager = Relation.manyToOne(RUser, RUser, { foreignKey: RUser.c.managerId })
const Reports = Relation.oneToMany(RUser, RUser, { foreignKey: RUser.c.managerId })
const PostComments = Relation.oneToMany(RPost, RComment, { foreignKey: RComment.c.postId, cascade: { delete: true, deleteOrphan: true } })

const metadata = MetaData.make(RUser, RProfile, RPost, RTag, RPostTag, RComment)

const seed = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  yield* Query.execute(Query.insert(RUser).values([
    { id: 1, name: "Ann", managerId: null },
    { id: 2, name: "Bob", managerId: 1 },
    { id: 3, name: "Cyd", managerId: 1 },
    { id: 4, name: "Dee", managerId: 2 }
  ]))
  yield* Query.execute(Query.insert(RProfile).values([{ id: 1, userId: 1, bio: "Ann's" }, { id: 2, userId: 3, bio: "Cyd's" }]))
  yield* Query.execute(Query.insert(RPost).values([
    { id: 1, authorId: 1, title: "A1", status: "published" },
    { id: 2, authorId: 1, title: "A2", status: "draft" },
    { id: 3, authorId: 2, title: "B1", status: "published" }
  ]))
  yield* Query.execute(Query.insert(RTag).values([{ id: 1, name: "effect" }, { id: 2, name: "sql" }, { id: 3, name: "unused" }]))
  yield* Query.execute(Query.insert(RPostTag).values([{ postId: 1, tagId: 1 }, { postId: 1, tagId: 2 }, { postId: 3, tagId: 2 }]))
  yield* Query.execute(Query.insert(RComment).values([{ id: 1, postId: 1, body: "nice" }, { id: 2, postId: 1, body: "+1" }, { id: 3, postId: 3, body: "hm" }]))
})

const withSession = <A, E, R>(f: (session: Session.Session) => Effect.Effect<A, E, R>) => Effect.scoped(Effect.flatMap(Session.make, f))

const ids = (rows: ReadonlyArray<{ readonly id: number }>) => rows.map((r) => r.id).sort((a, b) => a - b)

export const suite: Suite = (layer, target) => {
  // Statement counts come from the echo of an engine of the test's own (SQLite: a file it can share).
  const echoUrl = target.dialect === "sqlite" ? target.sharedUrl : target.url
  const counted = <A, E>(effect: Effect.Effect<A, E, Engine.Engine>) =>
    Effect.gen(function*() {
      const { entries, exit } = yield* captureLogs(
        Effect.scoped(Effect.flatMap(engineFor(echoUrl, { echo: true }), (engine) => Effect.provideService(effect, Engine.Engine, engine)))
      )
      assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? String(exit.cause) : "")
      // (PostgreSQL's identity resync after inserts with explicit ids is a SELECT too: not a load.)
      const selects = entries.filter((e) => e.message.startsWith("SELECT") && !e.message.startsWith("SELECT setval")).length
      return { value: (exit as Exit.Success<A, E>).value, selects }
    })
  const seeded = <A, E>(effect: Effect.Effect<A, E, Engine.Engine>) =>
    counted(Effect.zipRight(Effect.zipRight(seed, Effect.void), Effect.suspend(() => effect)))

  testLayer(layer, { excludeTestServices: true })("Relations", (it) => {
    it.effect("one-to-many, many-to-one, one-to-one, many-to-many and self-referential contents", () =>
      Effect.gen(function*() {
        yield* seed
        yield* withSession((s) =>
          Effect.gen(function*() {
            const users = yield* s.query(RUser).orderBy(RUser.c.id).with({
              posts: UserPosts,
              profile: UserProfile,
              manager: Manager,
              reports: Reports
            }).all
            assert.deepStrictEqual(users.map((u) => [u.id, ids(u.posts), u.profile?.bio ?? null, u.manager?.name ?? null, ids(u.reports)]), [
              [1, [1, 2], "Ann's", null, [2, 3]],
              [2, [3], null, "Ann", [4]],
              [3, [], "Cyd's", "Ann", []],
              [4, [], null, "Bob", []]
            ])
            assert.instanceOf(users[0], RUser)
            assert.instanceOf(users[0]!.posts[0], RPost)
            const posts = yield* s.query(RPost).orderBy(RPost.c.id).with({ author: PostAuthor, tags: PostTags }).all
            assert.deepStrictEqual(posts.map((p) => [p.id, p.author!.name, p.tags.map((t) => t.name).sort()]), [
              [1, "Ann", ["effect", "sql"]],
              [2, "Ann", []],
              [3, "Bob", ["sql"]]
            ])
            const profile = yield* s.query(RProfile).filterBy({ id: 2 }).with({ user: ProfileUser }).one
            assert.strictEqual(profile.user!.name, "Cyd")
            // Loaded instances are the session's: the identity map holds one per key.
            const ann = Option.getOrThrow(yield* s.get(RUser, 1))
            assert.strictEqual(posts[0]!.author!.id, ann.id)
            assert.strictEqual(Option.getOrThrow(yield* s.get(RPost, 1)).title, "A1")
          })
        )
      }))

    it.effect("eager loading takes one query plus one per relation", () =>
      Effect.gen(function*() {
        const { selects, value } = yield* seeded(withSession((s) =>
          s.query(RUser).with({ posts: UserPosts, profile: UserProfile, manager: Manager }).all
        ))
        assert.strictEqual(value.length, 4)
        assert.strictEqual(selects, 4)
      }))

    it.effect("nested eager loading: one query per relation and level", () =>
      Effect.gen(function*() {
        const { selects, value } = yield* seeded(withSession((s) =>
          s.query(RUser).orderBy(RUser.c.id).with({ posts: UserPosts.with({ tags: PostTags, comments: PostComments }) }).all
        ))
        assert.strictEqual(selects, 4)
        const ann = value[0]!
        const a1 = ann.posts.find((p) => p.id === 1)!
        assert.deepStrictEqual(a1.tags.map((t) => t.name).sort(), ["effect", "sql"])
        assert.deepStrictEqual(a1.comments.map((c) => c.body).sort(), ["+1", "nice"])
        assert.deepStrictEqual(value[1]!.posts[0]!.comments.map((c) => c.body), ["hm"])
      }))

    it.effect("50 lazy loads in one batched forEach take one query", () =>
      Effect.gen(function*() {
        const { selects, value } = yield* counted(Effect.gen(function*() {
          yield* seed
          yield* Query.execute(Query.insert(RUser).values(Array.from({ length: 46 }, (_, i) => ({ id: 10 + i, name: `user ${i}`, managerId: 1 }))))
          yield* Query.execute(Query.insert(RPost).values(Array.from({ length: 46 }, (_, i) => ({ id: 10 + i, authorId: 10 + i, title: `P${i}`, status: "draft" as const }))))
          return yield* withSession((s) =>
            Effect.gen(function*() {
              const users = yield* s.query(RUser).all
              assert.strictEqual(users.length, 50)
              return yield* Effect.forEach(users, (u) => UserPosts.load(u), { batching: true }).pipe(
                Effect.provideService(Session.Session, s)
              )
            })
          )
        }))
        // The seed's statements are INSERTs and DDL; the SELECTs are the users and one batched load.
        assert.strictEqual(selects, 2)
        assert.strictEqual(value.length, 50)
        assert.strictEqual(value.flat().length, 49)
        const single = yield* withSession((s) =>
          Effect.flatMap(s.query(RPost).filterBy({ id: 1 }).one, (p) => Effect.provideService(PostAuthor.load(p), Session.Session, s))
        )
        assert.strictEqual(single!.name, "Ann")
      }))

    it.effect("drafts: a new parent's related rows are inserted after it, foreign key filled in", () =>
      Effect.gen(function*() {
        yield* seed
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.add(RUser, { id: 5, name: "Eve", managerId: null }, {
              posts: UserPosts.drafts([{ id: 20, title: "E1", status: "draft" }, { id: 21, title: "E2", status: "published" }])
            })
            yield* s.add(RUser, { name: "Fay", managerId: null }, { profile: UserProfile.drafts([{ bio: "Fay's" }]) })
            yield* s.commit
            const eve = yield* s.query(RUser).filterBy({ name: "Eve" }).with({ posts: UserPosts }).one
            assert.deepStrictEqual(eve.posts.map((p) => p.title).sort(), ["E1", "E2"])
            const fay = yield* s.query(RUser).filterBy({ name: "Fay" }).with({ profile: UserProfile }).one
            assert.strictEqual(fay.profile!.bio, "Fay's")
            assert.strictEqual(fay.profile!.userId, fay.id)
          })
        )
      }))

    it.effect("flush writes self-referencing rows parents first, whatever order they were added in", () =>
      Effect.gen(function*() {
        yield* seed
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.addAll(RUser, [
              { id: 30, name: "grandchild", managerId: 31 },
              { id: 31, name: "child", managerId: 32 },
              { id: 32, name: "root", managerId: null }
            ])
            yield* s.commit
            const chain = yield* s.query(RUser).where(RUser.c.id.in([30, 31, 32])).orderBy(RUser.c.id).with({ manager: Manager }).all
            assert.deepStrictEqual(chain.map((u) => [u.id, u.manager?.id ?? null]), [[30, 31], [31, 32], [32, null]])
          })
        )
      }))

    it.effect("cascades: delete takes the related rows; clearing the foreign key deletes an orphan", () =>
      Effect.gen(function*() {
        yield* seed
        yield* withSession((s) =>
          Effect.gen(function*() {
            const orphan = Option.getOrThrow(yield* s.get(RComment, 3))
            yield* s.update(orphan, { postId: null })
            const a1 = Option.getOrThrow(yield* s.get(RPost, 1))
            yield* s.execute(Query.delete(RPostTag).where(RPostTag.c.postId.eq(1)))
            yield* s.delete(a1)
            yield* s.commit
            assert.deepStrictEqual(ids(yield* s.query(RComment).all), [])
            assert.deepStrictEqual(ids(yield* s.query(RPost).all), [2, 3])
          })
        )
      }))

    it.effect("filters: any and has compile to EXISTS", () =>
      Effect.gen(function*() {
        yield* seed
        yield* withSession((s) =>
          Effect.gen(function*() {
            const withDrafts = yield* s.query(RUser).where(UserPosts.any((p) => p.status.eq("draft"))).all
            assert.deepStrictEqual(ids(withDrafts), [1])
            const withPosts = yield* s.query(RUser).where(UserPosts.any()).all
            assert.deepStrictEqual(ids(withPosts), [1, 2])
            const byAnn = yield* s.query(RPost).where(PostAuthor.has((u) => u.name.eq("Ann"))).all
            assert.deepStrictEqual(ids(byAnn), [1, 2])
            const sqlPosts = yield* s.query(RPost).where(PostTags.any((t) => t.name.eq("sql"))).all
            assert.deepStrictEqual(ids(sqlPosts), [1, 3])
            const managers = yield* s.query(RUser).where(Reports.any()).all
            assert.deepStrictEqual(ids(managers), [1, 2])
            const managedByAnn = yield* s.query(RUser).where(Manager.has((m) => m.name.eq("Ann"))).all
            assert.deepStrictEqual(ids(managedByAnn), [2, 3])
          })
        )
      }))

    it.effect("drop", () => metadata.dropAll)
  })
}
