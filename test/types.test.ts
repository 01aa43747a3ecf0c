/**
 * Type tests: what the compiler infers for models, their insert and update types, and
 * their column references. They run under `tsc` (npm run typecheck) and vitest alike.
 */
import { assert, describe, it } from "@effect/vitest"
import type { BigDecimal, DateTime, Effect, Schema } from "effect"
import { Schema as S } from "effect"
import * as Column from "../src/Column.js"
import type * as Errors from "../src/Errors.js"
import * as Fn from "../src/Fn.js"
import * as Relation from "../src/Relation.js"
import type * as Session from "../src/Session.js"
import * as Table from "../src/Table.js"
import { equalTypes, isFunctionType } from "./harness/typeAssert.js"

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
    equalTypes<Schema.Schema.Type<typeof User>, User>()
    equalTypes<User["id"], number>()
    equalTypes<User["name"], string>()
    equalTypes<User["age"], number | null>()
    equalTypes<User["createdAt"], DateTime.Utc>()
    equalTypes<User["balance"], BigDecimal.BigDecimal>()
    equalTypes<User["views"], bigint>()
    equalTypes<User["settings"], { readonly theme: "dark" | "light" } | null>()
    equalTypes<User["role"], "admin" | "member">()
    equalTypes<User["avatar"], Uint8Array | null>()
    equalTypes<Post["status"], "draft" | "published">()
    equalTypes<Employee["reportsTo"], number | null>()
  })

  it("the insert type makes defaulted, server-filled, autoincremented and nullable fields optional", () => {
    type NewUser = Schema.Schema.Type<typeof User.insert>
    equalTypes<NewUser, {
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
    equalTypes<NewPost, {
      readonly authorId: number
      readonly title: string
      readonly status: "draft" | "published"
      readonly id?: number
    }>()
    // A composite key is not autoincremented: both parts are required.
    equalTypes<Schema.Schema.Type<typeof Pair.insert>, {
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
    equalTypes<Note["title"], string>()
    equalTypes<Note["body"], string | null>()
    equalTypes<Schema.Schema.Type<typeof Note.insert>, {
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
    equalTypes<Schema.Schema.Type<typeof Post.update>, {
      readonly id?: number
      readonly authorId?: number
      readonly title?: string
      readonly status?: "draft" | "published"
    }>()
  })

  it("column references carry their model, field and type", () => {
    equalTypes<typeof User.c.id, Column.Ref<User, "id", number>>()
    equalTypes<typeof User.c.age, Column.Ref<User, "age", number | null>>()
    equalTypes<typeof Post.c.status, Column.Ref<Post, "status", "draft" | "published">>()
    const manager = Table.alias(Employee, "manager")
    equalTypes<typeof manager.c.reportsTo, Column.Ref<Table.Aliased<typeof Employee, "manager">, "reportsTo", number | null>>()
    equalTypes<typeof User.tableName, string>()
    // @ts-expect-error: no such column
    User.c.nope
  })

  it("the constructor takes the row and validates it", () => {
    equalTypes<
      ConstructorParameters<typeof Pair>,
      [props: { readonly a: number; readonly b: number; readonly note: string | null }, options?: Schema.MakeOptions]
    >()
  })
})

describe("relation errors", () => {
  it("drafts of every kind of relation; a foreign key that is none is refused where it is written", () => {
    const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId })
    isFunctionType<typeof PostAuthor.drafts>()
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
    equalTypes<
      ReturnType<typeof query>["all"],
      Effect.Effect<ReadonlyArray<User & { readonly posts: ReadonlyArray<Post & { readonly author: User | null }> }>, Session.SessionError>
    >()
    equalTypes<ReturnType<typeof Reports.load>, Effect.Effect<ReadonlyArray<Employee>, Session.SessionError | Errors.LazyLoadRefused, Session.Session>>()
    equalTypes<ReturnType<typeof PostAuthor.load>, Effect.Effect<User | null, Session.SessionError | Errors.LazyLoadRefused, Session.Session>>()
  })

  it("a loading strategy changes no result type", () => {
    const UserPosts = Relation.oneToMany(User, Post, { foreignKey: Post.c.authorId, strategy: "joined" })
    const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId })
    const query = (session: Session.Session) =>
      session.query(User).with({ posts: UserPosts.with({ author: PostAuthor }, { strategy: "selectin" }) }, { strategy: "joined" })
    equalTypes<
      ReturnType<typeof query>["all"],
      Effect.Effect<ReadonlyArray<User & { readonly posts: ReadonlyArray<Post & { readonly author: User | null }> }>, Session.SessionError>
    >()
    // @ts-expect-error: not a strategy (refused at run time too)
    assert.throws(() => Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId, strategy: "eager" }), /strategy/)
  })
})
