/**
 * A blog: users, posts and tags, loaded without N+1 queries.
 *
 *   npm run example:blog [-- url]      (default: in-memory SQLite)
 */
import { Console, Effect } from "effect"
import { Column, Engine, MetaData, Query, Relation, Session, Table } from "retort-orm"

class User extends Table.Class<User>("User")("blog_users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50, unique: true })
}) {}

class Post extends Table.Class<Post>("Post")("blog_posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => User.c.id }),
  title: Column.string({ length: 200 }),
  status: Column.literal("draft", "published")
}) {}

class Tag extends Table.Class<Tag>("Tag")("blog_tags", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 30, unique: true })
}) {}

class PostTag extends Table.Class<PostTag>("PostTag")("blog_post_tags", {
  postId: Column.integer({ name: "post_id", references: () => Post.c.id }),
  tagId: Column.integer({ name: "tag_id", references: () => Tag.c.id })
}, { primaryKey: ["postId", "tagId"] }) {}

const UserPosts = Relation.oneToMany(User, Post, { foreignKey: Post.c.authorId, cascade: { delete: true } })
const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId })
const PostTags = Relation.manyToMany(Post, Tag, { through: PostTag, source: PostTag.c.postId, target: PostTag.c.tagId })

const metadata = MetaData.make(User, Post, Tag, PostTag)

const program = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  const session = yield* Session.Session

  // A user with draft posts: the posts are inserted after the user, author_id filled in.
  yield* session.add(User, { name: "ann" }, {
    posts: UserPosts.drafts([{ title: "Hello, Effect", status: "published" }, { title: "Unit of work", status: "draft" }])
  })
  yield* session.add(User, { name: "bob" }, { posts: UserPosts.drafts([{ title: "Typed errors", status: "published" }]) })
  yield* session.addAll(Tag, [{ name: "effect" }, { name: "sql" }])
  yield* session.commit
  // Core statements run in the session's transaction too.
  yield* session.execute(Query.insert(PostTag).values([{ postId: 1, tagId: 1 }, { postId: 1, tagId: 2 }, { postId: 3, tagId: 2 }]))
  yield* session.commit

  // Eager: three queries in all (users, posts, tags), whatever the number of rows.
  const users = yield* session.query(User).orderBy(User.c.name).with({ posts: UserPosts.with({ tags: PostTags }) }).all
  for (const user of users) {
    yield* Console.log(`${user.name}:`)
    for (const post of user.posts) {
      yield* Console.log(`  [${post.status}] ${post.title} ${post.tags.map((t) => `#${t.name}`).join(" ")}`)
    }
  }

  // Lazy and batched: one query for all the authors.
  const posts = yield* session.query(Post).orderBy(Post.c.id).all
  const authors = yield* Effect.forEach(posts, (p) => PostAuthor.load(p), { batching: true })
  yield* Console.log(`Authors of ${posts.length} posts, loaded in one query: ${authors.map((a) => a?.name).join(", ")}`)

  // Filters: EXISTS subqueries.
  const drafting = yield* session.query(User).where(UserPosts.any((p) => p.status.eq("draft"))).all
  yield* Console.log(`Users with drafts: ${drafting.map((u) => u.name).join(", ")}`)
  const aboutSql = yield* session.query(Post).where(PostTags.any((t) => t.name.eq("sql"))).orderBy(Post.c.id).all
  yield* Console.log(`Posts tagged sql: ${aboutSql.map((p) => p.title).join(", ")}`)

  yield* metadata.dropAll
})

program.pipe(
  Effect.provide(Session.layer),
  Effect.provide(Engine.layer(process.argv[2] ?? "sqlite://")),
  Effect.tapErrorCause(Effect.logError),
  Effect.runPromise
).catch(() => {
  process.exitCode = 1
})
