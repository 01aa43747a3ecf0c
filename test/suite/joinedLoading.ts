/**
 * The joined loading strategy on a real database: for many-to-one, one-to-one (either
 * side), one-to-many, many-to-many, self-referential and nested relations, a joined load
 * gives deeply the same results as a selectin load of the same data (same order, NULL
 * keys as null, parents without children as []), in one statement where selectin takes
 * one per relation and level; LIMIT and OFFSET count parents; strategies mix across
 * levels; joined results are the session's instances and serve later loads. Statement
 * counts come from the engine's echo, after a mark the test logs.
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

class JUser extends Table.Class<JUser>("JUser")("j_users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  managerId: Column.integer({ nullable: true, name: "manager_id", references: (): Column.AnyRef => JUser.c.id })
}) {}

class JProfile extends Table.Class<JProfile>("JProfile")("j_profiles", {
  id: Column.integer({ primaryKey: true }),
  userId: Column.integer({ name: "user_id", unique: true, references: () => JUser.c.id }),
  bio: Column.text()
}) {}

class JPost extends Table.Class<JPost>("JPost")("j_posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => JUser.c.id }),
  editorId: Column.integer({ nullable: true, name: "editor_id", references: () => JUser.c.id }),
  title: Column.string({ length: 100 })
}) {}

class JTag extends Table.Class<JTag>("JTag")("j_tags", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 })
}) {}

class JPostTag extends Table.Class<JPostTag>("JPostTag")("j_post_tags", {
  postId: Column.integer({ name: "post_id", references: () => JPost.c.id }),
  tagId: Column.integer({ name: "tag_id", references: () => JTag.c.id }),
  position: Column.integer()
}, { primaryKey: ["postId", "tagId"] }) {}

class JComment extends Table.Class<JComment>("JComment")("j_comments", {
  id: Column.integer({ primaryKey: true }),
  postId: Column.integer({ name: "post_id", references: () => JPost.c.id }),
  body: Column.text()
}) {}

// Posts newest title first; tags in their association's position (a column of the association table).
const UserPosts = Relation.oneToMany(JUser, JPost, { foreignKey: JPost.c.authorId, orderBy: [JPost.c.title.desc()] })
const PostAuthor = Relation.manyToOne(JPost, JUser, { foreignKey: JPost.c.authorId })
const PostEditor = Relation.manyToOne(JPost, JUser, { foreignKey: JPost.c.editorId })
const JoinedAuthor = Relation.manyToOne(JPost, JUser, { foreignKey: JPost.c.authorId, strategy: "joined" })
const UserProfile = Relation.oneToOne(JUser, JProfile, { foreignKey: JProfile.c.userId })
const ProfileUser = Relation.oneToOne(JProfile, JUser, { foreignKey: JProfile.c.userId })
const PostTags = Relation.manyToMany(JPost, JTag, { through: JPostTag, source: JPostTag.c.postId, target: JPostTag.c.tagId, orderBy: [JPostTag.c.position] })
const TagPosts = Relation.manyToMany(JTag, JPost, { through: JPostTag, source: JPostTag.c.tagId, target: JPostTag.c.postId })
const PostComments = Relation.oneToMany(JPost, JComment, { foreignKey: JComment.c.postId })
const Manager = Relation.manyToOne(JUser, JUser, { foreignKey: JUser.c.managerId })
const Reports = Relation.oneToMany(JUser, JUser, { foreignKey: JUser.c.managerId, orderBy: [JUser.c.name] })

const metadata = MetaData.make(JUser, JProfile, JPost, JTag, JPostTag, JComment)

/** Users 1-8 (8 has no manager and no posts; 1 no manager), their posts, tags and comments, ids out of name order. */
const seed = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  const names = ["Ann", "Bob", "Cyd", "Dee", "Eve", "Fay", "Gus", "Hal"]
  yield* Query.execute(Query.insert(JUser).values(names.map((name, i) => ({
    id: i + 1,
    name: name.split("").reverse().join(""),
    managerId: i === 0 || i === 7 ? null : Math.floor((i + 1) / 2)
  }))))
  yield* Query.execute(Query.insert(JProfile).values([{ id: 1, userId: 1, bio: "first" }, { id: 2, userId: 3, bio: "third" }, { id: 3, userId: 6, bio: "sixth" }]))
  yield* Query.execute(Query.insert(JPost).values([
    { id: 1, authorId: 1, editorId: 2, title: "b" },
    { id: 2, authorId: 1, editorId: null, title: "c" },
    { id: 3, authorId: 1, editorId: 1, title: "a" },
    { id: 4, authorId: 2, editorId: null, title: "z" },
    { id: 5, authorId: 3, editorId: 3, title: "m" },
    { id: 6, authorId: 5, editorId: 2, title: "m" },
    { id: 7, authorId: 5, editorId: null, title: "n" }
  ]))
  yield* Query.execute(Query.insert(JTag).values([{ id: 1, name: "one" }, { id: 2, name: "two" }, { id: 3, name: "three" }, { id: 4, name: "unused" }]))
  yield* Query.execute(Query.insert(JPostTag).values([
    { postId: 1, tagId: 1, position: 2 },
    { postId: 1, tagId: 2, position: 1 },
    { postId: 1, tagId: 3, position: 3 },
    { postId: 3, tagId: 2, position: 1 },
    { postId: 5, tagId: 3, position: 2 },
    { postId: 5, tagId: 1, position: 1 },
    { postId: 6, tagId: 1, position: 1 }
  ]))
  yield* Query.execute(Query.insert(JComment).values([
    { id: 3, postId: 1, body: "c3" },
    { id: 1, postId: 1, body: "c1" },
    { id: 2, postId: 3, body: "c2" },
    { id: 4, postId: 6, body: "c4" }
  ]))
})

const mark = Effect.log("~mark")

/** Instances as plain data, relations included, to compare two loads deeply. */
const plain = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value !== "object" || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
}

type Load = (strategy: Relation.Strategy) => Effect.Effect<unknown, unknown, Session.Session>

export const suite: Suite = (layer, target) => {
  const echoUrl = target.dialect === "sqlite" ? target.sharedUrl : target.url
  /** Seeds, then runs `body` in a fresh session of an echoing engine: its value and the SELECTs after the mark. */
  const counted = <A, E>(body: Effect.Effect<A, E, Session.Session | Engine.Engine>, options?: Session.Options) =>
    Effect.gen(function*() {
      const program = Effect.zipRight(Effect.zipRight(seed, mark), Session.use((s) => Effect.provideService(body, Session.Session, s), options))
      const { entries, exit } = yield* captureLogs(
        Effect.scoped(Effect.flatMap(engineFor(echoUrl, { echo: true }), (engine) => Effect.provideService(program, Engine.Engine, engine)))
      )
      assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? String(exit.cause) : "")
      let selects = -1
      const sql: Array<string> = []
      for (const e of entries) {
        if (e.message === "~mark") selects = 0
        else if (selects >= 0 && e.message.startsWith("SELECT") && !e.message.startsWith("SELECT setval")) {
          selects++
          sql.push(e.message)
        }
      }
      return { value: (exit as Exit.Success<A, E>).value, selects, sql }
    })
  const session = Session.Session

  /** Loads with both strategies: equal plain results, and the statement counts given. */
  const compare = (load: Load, counts: { readonly selectin: number; readonly joined: number }) =>
    Effect.gen(function*() {
      const selectin = yield* counted(load("selectin"))
      const joined = yield* counted(load("joined"))
      assert.deepStrictEqual(plain(joined.value), plain(selectin.value))
      assert.deepStrictEqual({ selectin: selectin.selects, joined: joined.selects }, counts, joined.sql.join("\n"))
      return joined.value as any
    })

  testLayer(layer, { excludeTestServices: true })("Joined loading", (it) => {
    it.effect("many-to-one, two relations to one table, NULL foreign keys as null", () =>
      Effect.gen(function*() {
        const value = yield* compare(
          (strategy) => Effect.flatMap(session, (s) => s.query(JPost).orderBy(JPost.c.id).with({ author: PostAuthor, editor: PostEditor }, { strategy }).all),
          { selectin: 3, joined: 1 }
        )
        assert.deepStrictEqual(value.map((p: any) => [p.author.name, p.editor?.name ?? null]), [
          ["nnA", "boB"], ["nnA", null], ["nnA", "nnA"], ["boB", null], ["dyC", "dyC"], ["evE", "boB"], ["evE", null]
        ])
      }))

    it.effect("one-to-one on either side; a user without a profile gets null", () =>
      Effect.gen(function*() {
        const users = yield* compare(
          (strategy) => Effect.flatMap(session, (s) => s.query(JUser).orderBy(JUser.c.id).with({ profile: UserProfile }, { strategy }).all),
          { selectin: 2, joined: 1 }
        )
        assert.deepStrictEqual(users.map((u: any) => u.profile?.bio ?? null), ["first", null, "third", null, null, "sixth", null, null])
        const profiles = yield* compare(
          (strategy) => Effect.flatMap(session, (s) => s.query(JProfile).orderBy(JProfile.c.id.desc()).with({ user: ProfileUser }, { strategy }).all),
          { selectin: 2, joined: 1 }
        )
        assert.deepStrictEqual(profiles.map((p: any) => p.user.id), [6, 3, 1])
      }))

    it.effect("one-to-many in the relation's order; users without posts get []", () =>
      Effect.gen(function*() {
        const users = yield* compare(
          (strategy) => Effect.flatMap(session, (s) => s.query(JUser).orderBy(JUser.c.name).with({ posts: UserPosts }, { strategy }).all),
          { selectin: 2, joined: 1 }
        )
        // Names reversed: boB, dyC, eeD, evE, lah, nnA, suG, yaF.
        assert.deepStrictEqual(users.map((u: any) => u.id), [2, 3, 4, 5, 8, 1, 7, 6])
        assert.deepStrictEqual(users.map((u: any) => u.posts.map((p: JPost) => p.id)), [[4], [5], [], [7, 6], [], [2, 1, 3], [], []])
      }))

    it.effect("many-to-many, ordered by a column of the association table, and the other way", () =>
      Effect.gen(function*() {
        const posts = yield* compare(
          (strategy) => Effect.flatMap(session, (s) => s.query(JPost).orderBy(JPost.c.id).with({ tags: PostTags }, { strategy }).all),
          { selectin: 2, joined: 1 }
        )
        assert.deepStrictEqual(posts.map((p: any) => p.tags.map((t: JTag) => t.id)), [[2, 1, 3], [], [2], [], [1, 3], [1], []])
        const tags = yield* compare(
          (strategy) => Effect.flatMap(session, (s) => s.query(JTag).orderBy(JTag.c.id).with({ posts: TagPosts }, { strategy }).all),
          { selectin: 2, joined: 1 }
        )
        assert.deepStrictEqual(tags.map((t: any) => t.posts.map((p: JPost) => p.id)), [[1, 5, 6], [1, 3], [1, 5], []])
      }))

    it.effect("self-referential: manager and reports of the same table", () =>
      Effect.gen(function*() {
        const users = yield* compare(
          (strategy) => Effect.flatMap(session, (s) => s.query(JUser).orderBy(JUser.c.id).with({ manager: Manager, reports: Reports }, { strategy }).all),
          { selectin: 3, joined: 1 }
        )
        assert.deepStrictEqual(users.map((u: any) => u.manager?.id ?? null), [null, 1, 1, 2, 2, 3, 3, null])
        assert.deepStrictEqual(users.map((u: any) => u.reports.map((r: JUser) => r.id)), [[2, 3], [4, 5], [7, 6], [], [], [], [], []])
      }))

    it.effect("nested: every level joined, two collections side by side, three levels deep", () =>
      Effect.gen(function*() {
        const users = yield* compare(
          (strategy) =>
            Effect.flatMap(session, (s) =>
              s.query(JUser).orderBy(JUser.c.id).with({
                posts: UserPosts.with({ tags: PostTags, comments: PostComments, editor: PostEditor }),
                profile: UserProfile
              }, { strategy }).all),
          { selectin: 6, joined: 1 }
        )
        assert.deepStrictEqual(users[0].posts.map((p: any) => [p.id, p.tags.map((t: JTag) => t.id), p.comments.map((c: JComment) => c.id), p.editor?.id ?? null]), [
          [2, [], [], null],
          [1, [2, 1, 3], [1, 3], 2],
          [3, [2], [2], 1]
        ])
        const deep = yield* compare(
          (strategy) =>
            Effect.flatMap(session, (s) =>
              s.query(JUser).where(JUser.c.managerId.isNull()).orderBy(JUser.c.id).with({
                reports: Reports.with({ reports: Reports.with({ posts: UserPosts }) })
              }, { strategy }).all),
          { selectin: 4, joined: 1 }
        )
        assert.deepStrictEqual(deep.map((u: any) => u.reports.map((r: any) => r.reports.map((rr: any) => [rr.id, rr.posts.map((p: JPost) => p.id)]))), [
          [[[4, []], [5, [7, 6]]], [[7, []], [6, []]]],
          []
        ])
      }))

    it.effect("mixed strategies: a joined level over a selectin one, and a selectin level over joined ones", () =>
      Effect.gen(function*() {
        // Joined posts, selectin tags under them: two statements.
        yield* compare(
          (strategy) =>
            Effect.flatMap(session, (s) =>
              s.query(JUser).orderBy(JUser.c.id).with({ posts: UserPosts.with({ tags: PostTags }, { strategy: "selectin" }) }, { strategy }).all),
          { selectin: 3, joined: 2 }
        )
        // Selectin posts, with their author and comments joined into the posts' statement.
        const users = yield* compare(
          (strategy) =>
            Effect.flatMap(session, (s) =>
              s.query(JUser).orderBy(JUser.c.id).with({ posts: UserPosts.with({ author: PostAuthor, comments: PostComments }, { strategy }) }, { strategy: "selectin" }).all),
          { selectin: 4, joined: 2 }
        )
        assert.deepStrictEqual(users[0].posts.map((p: any) => [p.author.id, p.comments.map((c: JComment) => c.id)]), [[1, []], [1, [1, 3]], [1, [2]]])
      }))

    it.effect("a relation defined joined loads joined unless the query says selectin", () =>
      Effect.gen(function*() {
        const byDefinition = yield* counted(Effect.flatMap(session, (s) => s.query(JPost).orderBy(JPost.c.id).with({ author: JoinedAuthor }).all))
        const told = yield* counted(Effect.flatMap(session, (s) => s.query(JPost).orderBy(JPost.c.id).with({ author: JoinedAuthor }, { strategy: "selectin" }).all))
        assert.strictEqual(byDefinition.selects, 1)
        assert.strictEqual(told.selects, 2)
        assert.deepStrictEqual(plain(byDefinition.value), plain(told.value))
        // Nested under a selectin level, it is joined into that level's statement.
        const nested = yield* counted(Effect.flatMap(session, (s) => s.query(JUser).orderBy(JUser.c.id).with({ posts: UserPosts.with({ author: JoinedAuthor }) }).all))
        assert.strictEqual(nested.selects, 2)
        assert.deepStrictEqual(nested.value[0]!.posts.map((p) => p.author!.id), [1, 1, 1])
      }))

    it.effect("LIMIT and OFFSET with a joined collection count parents, not joined rows", () =>
      Effect.gen(function*() {
        const page = yield* compare(
          (strategy) =>
            Effect.flatMap(session, (s) =>
              s.query(JUser).where(JUser.c.id.lte(7)).orderBy(JUser.c.name.desc()).limit(3).offset(1).with({ posts: UserPosts.with({ tags: PostTags }) }, { strategy }).all),
          { selectin: 3, joined: 1 }
        )
        // Names reversed, descending: yaF(6), suG(7), nnA(1), evE(5), …: the page skips Fay.
        assert.deepStrictEqual(page.map((u: any) => [u.id, u.posts.map((p: JPost) => p.id)]), [[7, []], [1, [2, 1, 3]], [5, [7, 6]]])
        const first = yield* compare(
          (strategy) => Effect.flatMap(session, (s) => s.query(JUser).orderBy(JUser.c.id).with({ posts: UserPosts }, { strategy }).first),
          { selectin: 2, joined: 1 }
        )
        assert.deepStrictEqual(Option.getOrThrow(first as Option.Option<any>).posts.map((p: JPost) => p.id), [2, 1, 3])
        const one = yield* compare(
          (strategy) => Effect.flatMap(session, (s) => s.query(JUser).filterBy({ id: 1 }).with({ posts: UserPosts, reports: Reports }, { strategy }).one),
          { selectin: 3, joined: 1 }
        )
        assert.deepStrictEqual(one.reports.map((r: JUser) => r.id), [2, 3])
        // Without a collection the LIMIT needs no subquery: many-to-one rows are one per parent.
        const posts = yield* counted(Effect.flatMap(session, (s) => s.query(JPost).orderBy(JPost.c.id).limit(2).with({ author: PostAuthor }, { strategy: "joined" }).all))
        assert.deepStrictEqual(posts.value.map((p) => p.author!.id), [1, 1])
        assert.notInclude(posts.sql[0]!, "(SELECT")
      }))

    it.effect("joined instances are the session's: the identity map gives the same instance as get", () =>
      Effect.gen(function*() {
        const { value } = yield* counted(Effect.gen(function*() {
          const s = yield* session
          const posts = yield* s.query(JPost).orderBy(JPost.c.id).with({ author: PostAuthor, editor: PostEditor }, { strategy: "joined" }).all
          const ann = Option.getOrThrow(yield* s.get(JUser, 1))
          const bob = Option.getOrThrow(yield* s.get(JUser, 2))
          const users = yield* s.query(JUser).orderBy(JUser.c.id).all
          return { posts, ann, bob, users }
        }))
        assert.strictEqual(value.posts[0]!.author, value.ann)
        assert.strictEqual(value.posts[2]!.editor, value.ann)
        assert.strictEqual(value.posts[0]!.editor, value.bob)
        assert.strictEqual(value.users[0], value.ann)
      }))

    it.effect("joined results serve later loads without a query, in a lazyLoad: \"raise\" session too", () =>
      Effect.gen(function*() {
        const { selects, value } = yield* counted(
          Effect.gen(function*() {
            const s = yield* session
            const users = yield* s.query(JUser).orderBy(JUser.c.id).with({ posts: UserPosts.with({ tags: PostTags }), manager: Manager }, { strategy: "joined" }).all
            yield* mark
            const posts = yield* Effect.forEach(users, (u) => UserPosts.with({ tags: PostTags }).load(u))
            const managers = yield* Effect.forEach(users, (u) => Manager.load(u))
            const tags = yield* PostTags.load(users[0]!.posts[1]!)
            const refused = yield* Effect.exit(PostComments.load(users[0]!.posts[1]!))
            return { users, posts, managers, tags, refused }
          }),
          { lazyLoad: "raise" }
        )
        assert.strictEqual(selects, 0)
        assert.strictEqual(value.posts[0], value.users[0]!.posts)
        assert.deepStrictEqual(value.managers.map((m) => m?.id ?? null), [null, 1, 1, 2, 2, 3, 3, null])
        assert.deepStrictEqual(value.tags.map((t) => t.id), [2, 1, 3])
        assert.isTrue(Exit.isFailure(value.refused))
      }))

    it.effect("joined instances are one result set: a loop of lazy loads over them is one query", () =>
      Effect.gen(function*() {
        const { selects, value } = yield* counted(Effect.gen(function*() {
          const s = yield* session
          const users = yield* s.query(JUser).orderBy(JUser.c.id).with({ posts: UserPosts, manager: Manager.with({ profile: UserProfile }) }, { strategy: "joined" }).all
          yield* mark
          const comments: Array<number> = []
          for (const user of users) for (const post of user.posts) comments.push((yield* PostComments.load(post)).length)
          const managers: Array<number> = []
          for (const user of users) if (user.manager !== null) managers.push((yield* Reports.load(user.manager)).length)
          return { comments, managers }
        }))
        assert.strictEqual(selects, 2)
        assert.deepStrictEqual(value.comments, [0, 2, 1, 0, 0, 0, 1])
        assert.deepStrictEqual(value.managers, [2, 2, 2, 2, 2, 2])
      }))

    it.effect("a joined query locks its parents' rows (forUpdate), with and without LIMIT", () =>
      Effect.gen(function*() {
        if (target.dialect === "sqlite") return
        const { value } = yield* counted(Effect.gen(function*() {
          const s = yield* session
          const all = yield* s.query(JUser).orderBy(JUser.c.id).with({ posts: UserPosts, manager: Manager }, { strategy: "joined" }).forUpdate().all
          const page = yield* s.query(JUser).orderBy(JUser.c.id).limit(2).with({ posts: UserPosts }, { strategy: "joined" }).forUpdate().all
          return [all.length, page.map((u) => u.posts.length)]
        }))
        assert.deepStrictEqual(value, [8, [3, 1]])
      }))

    it.effect("a strategy other than selectin or joined is refused where it is written", () =>
      Effect.sync(() => {
        assert.throws(() => UserPosts.with({ tags: PostTags }, { strategy: "lazy" as never }), /strategy/)
        assert.throws(() => Relation.manyToOne(JPost, JUser, { foreignKey: JPost.c.authorId, strategy: "eager" as never }), /strategy/)
      }))

    it.effect("drop", () => metadata.dropAll)
  })
}
