/**
 * Type tests for queries: the row types `Query.select` infers, what INSERT, UPDATE and
 * DELETE run to, and the expressions that must not compile. They matter under `tsc`
 * (npm run typecheck): every `@ts-expect-error` below must sit on a line that errors.
 * vitest runs the file too.
 */
import { describe, it } from "@effect/vitest"
import { BigDecimal, type DateTime } from "effect"
import * as Column from "../src/Column.js"
import * as Expr from "../src/Expr.js"
import * as Fn from "../src/Fn.js"
import * as Query from "../src/Query.js"
import * as Table from "../src/Table.js"
import { equalTypes, isFunctionType } from "./harness/typeAssert.js"

class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 }),
  age: Column.integer({ nullable: true }),
  nick: Column.text({ nullable: true }),
  balance: Column.numeric({ precision: 10, scale: 2 }),
  createdAt: Column.dateTime({ serverDefault: Fn.now() }),
  managerId: Column.integer({ nullable: true })
}) {}

class Post extends Table.Class<Post>("Post")("posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ references: () => User.c.id }),
  title: Column.string({ length: 200 }),
  status: Column.literal("draft", "published"),
  views: Column.bigint({ default: 0n })
}) {}

class Comment extends Table.Class<Comment>("Comment")("comments", {
  id: Column.integer({ primaryKey: true }),
  postId: Column.integer({ references: () => Post.c.id }),
  body: Column.text()
}) {}

const zero = BigDecimal.unsafeFromString("0")

describe("query types", () => {
  it("Query.select({ … }) infers a readonly record per row", () => {
    const q = Query.select({
      id: User.c.id,
      name: User.c.name,
      age: User.c.age,
      n: Fn.count(),
      ages: Fn.count(User.c.age),
      names: Fn.countDistinct(User.c.name),
      total: Fn.sum(User.c.balance),
      mean: Fn.avg(User.c.age),
      first: Fn.min(User.c.createdAt),
      last: Fn.max(User.c.name),
      shown: Fn.coalesce(User.c.nick, "x"),
      lower: Fn.lower(User.c.name),
      label: Fn.concat(User.c.name, "!"),
      next: User.c.age.plus(1),
      adult: User.c.age.gte(18),
      now: Fn.now()
    })
    type Row = {
      readonly id: number
      readonly name: string
      readonly age: number | null
      readonly n: number
      readonly ages: number
      readonly names: number
      readonly total: BigDecimal.BigDecimal | null
      readonly mean: number | null
      readonly first: DateTime.Utc | null
      readonly last: string | null
      readonly shown: string
      readonly lower: string
      readonly label: string
      readonly next: number | null
      readonly adult: boolean
      readonly now: DateTime.Utc
    }
    equalTypes<Query.Result<typeof q>, ReadonlyArray<Row>>()
    equalTypes<Query.RowOf<{ n: Expr.Expr<number> }>, { readonly n: number }>()
  })

  it("a bigint column sums to bigint | null, a literal column keeps its values", () => {
    const q = Query.select({ views: Fn.sum(Post.c.views), status: Post.c.status, s: Fn.max(Post.c.status) })
    equalTypes<
      Query.Result<typeof q>,
      ReadonlyArray<{ readonly views: bigint | null; readonly status: "draft" | "published"; readonly s: "draft" | "published" | null }>
    >()
  })

  it("constants, CASE, window functions and scalar subqueries", () => {
    const q = Query.select({
      one: Expr.literal(1),
      yes: Expr.literal(true),
      group: Expr.case([[User.c.age.lt(18), "minor"]], "adult"),
      rn: Fn.rowNumber().over({ partitionBy: [User.c.managerId], orderBy: [User.c.id.desc()] }),
      running: Fn.sum(User.c.balance).over({ orderBy: [User.c.id] }),
      posts: Query.select({ n: Fn.count() }).from(Post).where(Post.c.authorId.eq(User.c.id)).scalar(),
      raw: Expr.raw<string>("'x'")
    })
    equalTypes<
      Query.Result<typeof q>,
      ReadonlyArray<{
        readonly one: number
        readonly yes: boolean
        readonly group: string
        readonly rn: number
        readonly running: BigDecimal.BigDecimal | null
        readonly posts: number | null
        readonly raw: string
      }>
    >()
  })

  it("the row type survives where, groupBy, having, orderBy, limit, offset, distinct, join", () => {
    const q = Query.select({ title: Post.c.title, author: User.c.name })
      .from(Post)
      .join(User, Post.c.authorId.eq(User.c.id))
      .where(User.c.age.gt(1))
      .groupBy(Post.c.title, User.c.name)
      .having(Fn.count().gt(1))
      .orderBy(Post.c.title.desc())
      .limit(1)
      .offset(1)
      .distinct()
    equalTypes<Query.Result<typeof q>, ReadonlyArray<{ readonly title: string; readonly author: string }>>()
  })

  it("Query.select(Model) rows are model instances, a Table.alias too", () => {
    const q = Query.select(User).where(User.c.age.gt(18))
    equalTypes<Query.Result<typeof q>, ReadonlyArray<User>>()
    const m = Table.alias(User, "m")
    equalTypes<Query.Result<typeof q>, Query.Result<Query.Select<User, {}>>>()
    const aliased = Query.select(m)
    equalTypes<Query.Result<typeof aliased>, ReadonlyArray<User>>()
    // A left join does not change what a model select decodes to.
    const joined = Query.select(Post).leftJoin(User, Post.c.authorId.eq(User.c.id))
    equalTypes<Query.Result<typeof joined>, ReadonlyArray<Post>>()
  })

  it("a leftJoin makes the joined model's columns nullable, and only those", () => {
    const q = Query.select({ title: Post.c.title, author: User.c.name, age: User.c.age, n: Fn.count() })
      .from(Post)
      .leftJoin(User, Post.c.authorId.eq(User.c.id))
    equalTypes<
      Query.Result<typeof q>,
      ReadonlyArray<{ readonly title: string; readonly author: string | null; readonly age: number | null; readonly n: number }>
    >()
    // After an inner join, only the left-joined model; two left joins, both.
    const r = Query.select({ user: User.c.name, post: Post.c.title, comment: Comment.c.body })
      .from(User)
      .join(Post, Post.c.authorId.eq(User.c.id))
      .leftJoin(Comment, Comment.c.postId.eq(Post.c.id))
    equalTypes<
      Query.Result<typeof r>,
      ReadonlyArray<{ readonly user: string; readonly post: string; readonly comment: string | null }>
    >()
    const both = Query.select({ user: User.c.name, post: Post.c.title, comment: Comment.c.body })
      .from(User)
      .leftJoin(Post, Post.c.authorId.eq(User.c.id))
      .leftJoin(Comment, Comment.c.postId.eq(Post.c.id))
    equalTypes<
      Query.Result<typeof both>,
      ReadonlyArray<{ readonly user: string; readonly post: string | null; readonly comment: string | null }>
    >()
  })

  it("a left-joined table alias or subquery: its columns are NULL when nothing matches", () => {
    const manager = Table.alias(User, "manager")
    const q = Query.select({ name: User.c.name, manager: manager.c.name })
      .from(User)
      .leftJoin(manager, User.c.managerId.eq(manager.c.id))
    // A left-joined alias makes only the alias' columns nullable, not the aliased model's own.
    equalTypes<Query.Result<typeof q>, ReadonlyArray<{ readonly name: string; readonly manager: string | null }>>()

    const counts = Query.select({ author: Post.c.authorId, n: Fn.count() }).groupBy(Post.c.authorId).as("counts")
    const withCounts = Query.select({ name: User.c.name, posts: counts.c.n }).from(User).leftJoin(counts, counts.c.author.eq(User.c.id))
    // The same for a left-joined subquery.
    equalTypes<Query.Result<typeof withCounts>, ReadonlyArray<{ readonly name: string; readonly posts: number | null }>>()
  })

  it("subqueries and CTEs expose typed columns", () => {
    const perAuthor = Query.select({ author: Post.c.authorId, n: Fn.count(), last: Fn.max(Post.c.title) }).groupBy(Post.c.authorId).as("per_author")
    equalTypes<Expr.TypeOf<typeof perAuthor.c.author>, number>()
    equalTypes<Expr.TypeOf<typeof perAuthor.c.n>, number>()
    equalTypes<Expr.TypeOf<typeof perAuthor.c.last>, string | null>()
    const q = Query.select({ name: User.c.name, n: perAuthor.c.n }).from(perAuthor).join(User, User.c.id.eq(perAuthor.c.author))
    equalTypes<Query.Result<typeof q>, ReadonlyArray<{ readonly name: string; readonly n: number }>>()
    const cte = Query.with("young", Query.select({ id: User.c.id, age: User.c.age }).where(User.c.age.lt(20)))
    equalTypes<Expr.TypeOf<typeof cte.c.age>, number | null>()
    const rec = Query.withRecursive(
      "chain",
      Query.select({ id: User.c.id, depth: Expr.literal(1) }),
      (self) => Query.select({ id: User.c.id, depth: self.c.depth.plus(1) }).from(User).join(self, User.c.managerId.eq(self.c.id))
    )
    equalTypes<Expr.TypeOf<typeof rec.c.id>, number>()
  })

  it("union: the rows of the first select", () => {
    const q = Query.select({ name: User.c.name }).union(Query.select({ name: Post.c.title })).orderBy(User.c.name).limit(3)
    equalTypes<Query.Result<typeof q>, ReadonlyArray<{ readonly name: string }>>()
  })

  it("INSERT, UPDATE and DELETE run to Query.Affected, or to rows with returning", () => {
    equalTypes<Query.Affected, { readonly rowsAffected: number }>()

    const insert = Query.insert(User).values({ name: "a", balance: zero })
    equalTypes<Query.Result<typeof insert>, Query.Affected>()
    equalTypes<Query.Result<ReturnType<typeof insert.returning<typeof User>>>, ReadonlyArray<User>>()
    const insertedIds = insert.returning({ id: User.c.id, created: User.c.createdAt })
    equalTypes<Query.Result<typeof insertedIds>, ReadonlyArray<{ readonly id: number; readonly created: DateTime.Utc }>>()
    const upsert = Query.insert(Post).values([{ authorId: 1, title: "t", status: "draft" }]).onConflict({
      target: [Post.c.id],
      doUpdate: { title: Query.excluded(Post.c.title), views: Post.c.views.plus(1n) }
    })
    equalTypes<Query.Result<typeof upsert>, Query.Affected>()

    const update = Query.update(User).set({ age: User.c.age.plus(1), nick: null }).where(User.c.id.eq(1))
    equalTypes<Query.Result<typeof update>, Query.Affected>()
    const updated = update.returning(User)
    equalTypes<Query.Result<typeof updated>, ReadonlyArray<User>>()

    const del = Query.delete(Post).where(Post.c.status.eq("draft"))
    equalTypes<Query.Result<typeof del>, Query.Affected>()
    const deleted = del.returning({ id: Post.c.id })
    equalTypes<Query.Result<typeof deleted>, ReadonlyArray<{ readonly id: number }>>()
  })

  it("Query.execute's success type is Query.Result", () => {
    const rows = Query.execute(Query.select({ n: Fn.count() }).from(User))
    type Success<T> = T extends import("effect").Effect.Effect<infer A, any, any> ? A : never
    equalTypes<Success<typeof rows>, ReadonlyArray<{ readonly n: number }>>()
    equalTypes<Success<ReturnType<typeof Query.execute<Query.Delete<typeof User>>>>, Query.Affected>()
  })

  it("what does not compile (checked by tsc, never run: some would throw)", () => {
    const negatives = () => {
      // A value of the wrong type for the column.
      // @ts-expect-error: age is a number column
      User.c.age.eq("x")
      // @ts-expect-error: name is a string column
      User.c.name.gt(1)
      // @ts-expect-error: between takes values of the column's type
      User.c.name.between(1, 2)
      // @ts-expect-error: null is not a value to compare with: use isNull()
      User.c.age.eq(null)
      // @ts-expect-error: an expression of another type
      User.c.id.eq(User.c.name)
      // @ts-expect-error: an IN list of another type
      User.c.id.in(["a"])
      // @ts-expect-error: an IN subquery selecting another type
      User.c.id.in(Query.select({ name: User.c.name }))

      // LIKE only on strings, arithmetic only on numbers.
      // @ts-expect-error: like on a number column
      User.c.age.like("%a")
      // @ts-expect-error: ilike on a number column
      User.c.id.ilike("%a")
      // @ts-expect-error: arithmetic on a string column
      User.c.name.plus(1)
      // @ts-expect-error: a string operand for arithmetic
      User.c.age.times("2")
      // @ts-expect-error: lower of a number
      Fn.lower(User.c.age)

      // Conditions must be boolean.
      // @ts-expect-error: a number column is not a condition
      Query.select(User).where(User.c.age)
      // @ts-expect-error: not a condition in having either
      Query.select({ n: Fn.count() }).from(User).having(Fn.count())

      // Inserts need every required field, of the right type, and no other.
      // @ts-expect-error: name (required) is missing
      Query.insert(User).values({ age: 1 })
      // @ts-expect-error: name must be a string
      Query.insert(User).values({ name: 1, balance: zero })
      // @ts-expect-error: no such field
      Query.insert(Post).values({ authorId: 1, title: "t", status: "draft", nope: 1 })
      // @ts-expect-error: not one of the literal's values
      Query.insert(Post).values({ authorId: 1, title: "t", status: "archived" })
      // @ts-expect-error: a required field missing in one row of several
      Query.insert(Post).values([{ authorId: 1, title: "t", status: "draft" }, { authorId: 1, title: "t" }])

      // Updates take values or expressions of the field's type.
      // @ts-expect-error: age is a number
      Query.update(User).set({ age: "x" })
      // @ts-expect-error: an expression of another type
      Query.update(User).set({ name: User.c.age })
      // @ts-expect-error: no such field
      Query.update(User).set({ nope: 1 })
      // @ts-expect-error: name is not nullable
      Query.update(User).set({ name: null })
      // @ts-expect-error: an upsert's doUpdate is checked the same way
      Query.insert(Post).values({ authorId: 1, title: "t", status: "draft" }).onConflict({ target: [Post.c.id], doUpdate: { views: "1" } })

      // returning takes the statement's own model or a shape.
      // @ts-expect-error: another model
      Query.delete(User).returning(Post)
    }
    isFunctionType<typeof negatives>()
  })
})
