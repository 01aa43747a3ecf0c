/**
 * Type tests: what the compiler infers for models, their insert and update types, and
 * their column references. They run under `tsc` (npm run typecheck) and vitest alike.
 */
import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import type { BigDecimal, DateTime, Effect, Schema } from "effect"
import { Schema as S } from "effect"
import * as Column from "../src/Column.js"
import type * as Errors from "../src/Errors.js"
import * as Fn from "../src/Fn.js"
import * as Relation from "../src/Relation.js"
import type * as Session from "../src/Session.js"
import * as Table from "../src/Table.js"

class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 }),
  age: Column.integer({ nullable: true }),
  createdAt: Column.dateTime({ serverDefault: Fn.now() }),
  balance: Column.numeric({ precision: 10, scale: 2, default: () => undefined as unknown as BigDecimal.BigDecimal }),
  views: Column.bigint({ default: 0n }),
  settings: Column.json(S.Struct({ theme: S.Literal("dark", "light") }), { nullable: true }),
  role: Column.literal("admin", "member").with({ default: "member" }),
  avatar: Column.binary({ nullable: true })
}) {}

class Post extends Table.Class<Post>("Post")("posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ references: () => User.c.id, onDelete: "cascade" }),
  title: Column.string({ length: 200 }),
  status: Column.literal("draft", "published")
}, { indexes: [["authorId", "status"]] }) {}

class Employee extends Table.Class<Employee>("Employee")("employees", {
  id: Column.integer({ primaryKey: true }),
  reportsTo: Column.integer({ nullable: true, references: (): Column.AnyRef => Employee.c.id })
}) {}

class Pair extends Table.Class<Pair>("Pair")("pairs", {
  a: Column.integer(),
  b: Column.integer(),
  note: Column.text({ nullable: true })
}, { primaryKey: ["a", "b"] }) {}

describe("types", () => {
  it("Schema.Type of a model is its row", () => {
    expectTypeOf<Schema.Schema.Type<typeof User>>().toEqualTypeOf<User>()
    expectTypeOf<User["id"]>().toEqualTypeOf<number>()
    expectTypeOf<User["name"]>().toEqualTypeOf<string>()
    expectTypeOf<User["age"]>().toEqualTypeOf<number | null>()
    expectTypeOf<User["createdAt"]>().toEqualTypeOf<DateTime.Utc>()
    expectTypeOf<User["balance"]>().toEqualTypeOf<BigDecimal.BigDecimal>()
    expectTypeOf<User["views"]>().toEqualTypeOf<bigint>()
    expectTypeOf<User["settings"]>().toEqualTypeOf<{ readonly theme: "dark" | "light" } | null>()
    expectTypeOf<User["role"]>().toEqualTypeOf<"admin" | "member">()
    expectTypeOf<User["avatar"]>().toEqualTypeOf<Uint8Array | null>()
    expectTypeOf<Post["status"]>().toEqualTypeOf<"draft" | "published">()
    expectTypeOf<Employee["reportsTo"]>().toEqualTypeOf<number | null>()
  })

  it("the insert type makes defaulted, server-filled, autoincremented and nullable fields optional", () => {
    type NewUser = Schema.Schema.Type<typeof User.insert>
    expectTypeOf<NewUser>().toEqualTypeOf<{
      readonly name: string
      readonly id?: number
      readonly age?: number | null
      readonly createdAt?: DateTime.Utc
      readonly balance?: BigDecimal.BigDecimal
      readonly views?: bigint
      readonly settings?: { readonly theme: "dark" | "light" } | null
      readonly role?: "admin" | "member"
      readonly avatar?: Uint8Array | null
    }>()
    type NewPost = Schema.Schema.Type<typeof Post.insert>
    expectTypeOf<NewPost>().toEqualTypeOf<{
      readonly authorId: number
      readonly title: string
      readonly status: "draft" | "published"
      readonly id?: number
    }>()
    // A composite key is not autoincremented: both parts are required.
    expectTypeOf<Schema.Schema.Type<typeof Pair.insert>>().toEqualTypeOf<{
      readonly a: number
      readonly b: number
      readonly note?: string | null
    }>()
  })

  it("Column.string() takes no options, or options without a length", () => {
    class Note extends Table.Class<Note>("Note")("notes", {
      id: Column.integer({ primaryKey: true }),
      title: Column.string(),
      slug: Column.string({ unique: true }),
      body: Column.string({ nullable: true })
    }) {}
    expectTypeOf<Note["title"]>().toEqualTypeOf<string>()
    expectTypeOf<Note["body"]>().toEqualTypeOf<string | null>()
    expectTypeOf<Schema.Schema.Type<typeof Note.insert>>().toEqualTypeOf<{
      readonly title: string
      readonly slug: string
      readonly id?: number
      readonly body?: string | null
    }>()
    assert.deepStrictEqual(Column.definition(Column.string()).type, { _tag: "string", length: undefined })
    // @ts-expect-error: a length is a number
    Column.string({ length: "50" })
  })

  it("the update type is any subset of the fields", () => {
    expectTypeOf<Schema.Schema.Type<typeof Post.update>>().toEqualTypeOf<{
      readonly id?: number
      readonly authorId?: number
      readonly title?: string
      readonly status?: "draft" | "published"
    }>()
  })

  it("column references carry their model, field and type", () => {
    expectTypeOf(User.c.id).toEqualTypeOf<Column.Ref<User, "id", number>>()
    expectTypeOf(User.c.age).toEqualTypeOf<Column.Ref<User, "age", number | null>>()
    expectTypeOf(Post.c.status).toEqualTypeOf<Column.Ref<Post, "status", "draft" | "published">>()
    expectTypeOf(Table.alias(Employee, "manager").c.reportsTo).toEqualTypeOf<
      Column.Ref<Table.Aliased<typeof Employee, "manager">, "reportsTo", number | null>
    >()
    expectTypeOf(User.tableName).toEqualTypeOf<string>()
    // @ts-expect-error: no such column
    User.c.nope
  })

  it("the constructor takes the row and validates it", () => {
    expectTypeOf(Pair).constructorParameters.toEqualTypeOf<
      [props: { readonly a: number; readonly b: number; readonly note: string | null }, options?: Schema.MakeOptions]
    >()
  })
})

describe("relation errors", () => {
  it("drafts of every kind of relation; a foreign key that is none is refused where it is written", () => {
    const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId })
    expectTypeOf(PostAuthor.drafts).toBeFunction()
    // Checked by session.add (a typed EncodeError there), not thrown here.
    assert.strictEqual(PostAuthor.drafts([{}])._tag, "Drafts")
    let missing = ""
    try {
      Relation.manyToOne(Post, User, { foreignKey: Post.c.title })
    } catch (e) {
      missing = (e as Error).message
    }
    assert.include(missing, "not a foreign key")
  })
})

describe("relation types", () => {
  it("eager loading adds typed fields; load gives the relation's result", () => {
    const UserPosts = Relation.oneToMany(User, Post, { foreignKey: Post.c.authorId })
    const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId })
    const Reports = Relation.oneToMany(Employee, Employee, { foreignKey: Employee.c.reportsTo })
    // Types only: the query is never run.
    const query = (session: Session.Session) => session.query(User).with({ posts: UserPosts.with({ author: PostAuthor }) })
    expectTypeOf<ReturnType<typeof query>["all"]>().toEqualTypeOf<
      Effect.Effect<ReadonlyArray<User & { readonly posts: ReadonlyArray<Post & { readonly author: User | null }> }>, Session.SessionError>
    >()
    expectTypeOf(Reports.load).returns.toEqualTypeOf<Effect.Effect<ReadonlyArray<Employee>, Session.SessionError | Errors.LazyLoadRefused, Session.Session>>()
    expectTypeOf(PostAuthor.load).returns.toEqualTypeOf<Effect.Effect<User | null, Session.SessionError | Errors.LazyLoadRefused, Session.Session>>()
  })

  it("a loading strategy changes no result type", () => {
    const UserPosts = Relation.oneToMany(User, Post, { foreignKey: Post.c.authorId, strategy: "joined" })
    const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId })
    const query = (session: Session.Session) =>
      session.query(User).with({ posts: UserPosts.with({ author: PostAuthor }, { strategy: "selectin" }) }, { strategy: "joined" })
    expectTypeOf<ReturnType<typeof query>["all"]>().toEqualTypeOf<
      Effect.Effect<ReadonlyArray<User & { readonly posts: ReadonlyArray<Post & { readonly author: User | null }> }>, Session.SessionError>
    >()
    // @ts-expect-error: not a strategy (refused at run time too)
    assert.throws(() => Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId, strategy: "eager" }), /strategy/)
  })
})
