/**
 * Compile tests of the joined loading strategy, no database: the statement that
 * `session.query(M).with(relations, { strategy: "joined" })` runs, per dialect. Aliased
 * targets (self-referential relations), the association table of a many-to-many, the
 * relation's `orderBy` read from the alias, the parents in a subquery named as their
 * table under LIMIT / OFFSET, and the lock on the parents only. The statements run on
 * SQLite, PostgreSQL and MariaDB in test/suite/joinedLoading.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Column from "../src/Column.js"
import * as Query from "../src/Query.js"
import * as Relation from "../src/Relation.js"
import * as Table from "../src/Table.js"
import { type Base, joinedSql } from "../src/internal/loading/Joined.js"
import { chooseStrategy, resolveStrategies } from "../src/internal/loading/RelationDef.js"

class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 }),
  managerId: Column.integer({ nullable: true, name: "manager_id", references: (): Column.AnyRef => User.c.id })
}) {}
class Post extends Table.Class<Post>("Post")("posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => User.c.id }),
  title: Column.string({ length: 200 })
}) {}
class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.string({ length: 20 }) }) {}
class PostTag extends Table.Class<PostTag>("PostTag")("post_tags", {
  postId: Column.integer({ name: "post_id", references: () => Post.c.id }),
  tagId: Column.integer({ name: "tag_id", references: () => Tag.c.id }),
  position: Column.integer()
}, { primaryKey: ["postId", "tagId"] }) {}

const UserPosts = Relation.oneToMany(User, Post, { foreignKey: Post.c.authorId, orderBy: [Post.c.title.desc()] })
const PostTags = Relation.manyToMany(Post, Tag, { through: PostTag, source: PostTag.c.postId, target: PostTag.c.tagId, orderBy: [PostTag.c.position] })
const Manager = Relation.manyToOne(User, User, { foreignKey: User.c.managerId })
const Reports = Relation.oneToMany(User, User, { foreignKey: User.c.managerId, orderBy: [User.c.name] })

class Line extends Table.Class<Line>("Line")("lines", { orderId: Column.integer({ name: "order_id" }), lineNo: Column.integer({ name: "line_no" }) }, {
  primaryKey: ["orderId", "lineNo"]
}) {}
class Shipment extends Table.Class<Shipment>("Shipment")("shipments", {
  id: Column.integer({ primaryKey: true }),
  orderId: Column.integer({ name: "order_id" }),
  lineNo: Column.integer({ name: "line_no" })
}) {}
const ShipmentLine = Relation.manyToOne(Shipment, Line, { foreignKey: [Shipment.c.orderId, Shipment.c.lineNo] })
const LineShipments = Relation.oneToMany(Line, Shipment, { foreignKey: [Shipment.c.orderId, Shipment.c.lineNo] })

const dialects = ["sqlite", "postgresql", "mysql"] as const

/** The joined statement of `model` with `relations` (all joined) over `base`. */
const sql = (model: Table.Any, base: Base, relations: Relation.Relations) =>
  joinedSql(model, base, resolveStrategies(chooseStrategy(relations, { strategy: "joined" }), undefined))

/** The same SQL on every dialect but for quoting and placeholders; `mysql` overrides MariaDB's text. */
const check = (query: Query.Compilable, sqlite: string, params: ReadonlyArray<unknown>, mysql?: string) => {
  let n = 0
  const expected = {
    sqlite,
    postgresql: sqlite.replace(/\?/g, () => `$${++n}`),
    mysql: mysql ?? sqlite.replace(/"/g, "`")
  }
  for (const dialect of dialects) assert.deepStrictEqual(query.toSql(dialect), { sql: expected[dialect], params }, dialect)
}

const users = `"users"."id" AS "p0", "users"."name" AS "p1", "users"."manager_id" AS "p2"`

describe("joined loading (issue 15)", () => {
  it("many-to-one of the same table: the target under an alias, no ORDER BY added", () => {
    check(
      sql(User, { where: [User.c.id.gt(1)], orderBy: [] }, { manager: Manager }),
      `SELECT ${users}, "_j1"."id" AS "j1_0", "_j1"."name" AS "j1_1", "_j1"."manager_id" AS "j1_2" FROM "users" LEFT JOIN "users" AS "_j1" ON ("_j1"."id" = "users"."manager_id") WHERE ("users"."id" > ?)`,
      [1]
    )
  })

  it("one-to-many: parents' order, their key, then the relation's order read from the alias", () => {
    check(
      sql(User, { where: [], orderBy: [User.c.name.desc()] }, { reports: Reports }),
      `SELECT ${users}, "_j1"."id" AS "j1_0", "_j1"."name" AS "j1_1", "_j1"."manager_id" AS "j1_2" FROM "users" LEFT JOIN "users" AS "_j1" ON ("_j1"."manager_id" = "users"."id") ORDER BY "users"."name" DESC, "users"."id" ASC, "_j1"."name" ASC, "_j1"."id" ASC`,
      []
    )
  })

  it("nested many-to-many through its association table; LIMIT and OFFSET on the parents in a subquery named as their table", () => {
    check(
      sql(User, { where: [User.c.id.gt(1)], orderBy: [User.c.name], limit: 10, offset: 5 }, { manager: Manager, posts: UserPosts.with({ tags: PostTags }) }),
      `SELECT ${users}, "_j1"."id" AS "j1_0", "_j1"."name" AS "j1_1", "_j1"."manager_id" AS "j1_2", "_j2"."id" AS "j2_0", "_j2"."author_id" AS "j2_1", "_j2"."title" AS "j2_2", "_j3"."id" AS "j3_0", "_j3"."name" AS "j3_1" FROM (SELECT "users"."id" AS "id", "users"."name" AS "name", "users"."manager_id" AS "manager_id" FROM "users" WHERE ("users"."id" > ?) ORDER BY "users"."name" ASC LIMIT ? OFFSET ?) AS "users" LEFT JOIN "users" AS "_j1" ON ("_j1"."id" = "users"."manager_id") LEFT JOIN "posts" AS "_j2" ON ("_j2"."author_id" = "users"."id") LEFT JOIN "post_tags" AS "_j3t" ON ("_j3t"."post_id" = "_j2"."id") LEFT JOIN "tags" AS "_j3" ON ("_j3"."id" = "_j3t"."tag_id") ORDER BY "users"."name" ASC, "users"."id" ASC, "_j2"."title" DESC, "_j2"."id" ASC, "_j3t"."position" ASC, "_j3"."id" ASC`,
      [1, 10, 5]
    )
  })

  it("a lock: on the parents only, inside the subquery when there is one; SQLite still refuses it", () => {
    const lock = { strength: "update", options: undefined } as const
    const plain = sql(User, { where: [], orderBy: [], lock }, { posts: UserPosts })
    const paged = sql(User, { where: [], orderBy: [], limit: 2, lock }, { posts: UserPosts })
    assert.match(plain.toSql("postgresql").sql, / ORDER BY "users"\."id" ASC, "_j1"\."title" DESC, "_j1"\."id" ASC FOR UPDATE OF "users"$/)
    assert.match(plain.toSql("mysql").sql, / ORDER BY `users`\.`id` ASC, `_j1`\.`title` DESC, `_j1`\.`id` ASC FOR UPDATE$/)
    assert.include(paged.toSql("postgresql").sql, `FROM "users" LIMIT $1 FOR UPDATE) AS "users" LEFT JOIN`)
    assert.include(paged.toSql("mysql").sql, "FROM `users` LIMIT ? FOR UPDATE) AS `users` LEFT JOIN")
    assert.notMatch(paged.toSql("postgresql").sql, /ASC FOR UPDATE/)
    assert.throws(() => plain.toSql("sqlite"), /no row locks/)
  })

  it("a composite foreign key joins on every column; its target's whole primary key makes it one row per parent", () => {
    check(
      sql(Shipment, { where: [], orderBy: [] }, { line: ShipmentLine }),
      `SELECT "shipments"."id" AS "p0", "shipments"."order_id" AS "p1", "shipments"."line_no" AS "p2", "_j1"."order_id" AS "j1_0", "_j1"."line_no" AS "j1_1" FROM "shipments" LEFT JOIN "lines" AS "_j1" ON (("_j1"."order_id" = "shipments"."order_id") AND ("_j1"."line_no" = "shipments"."line_no"))`,
      []
    )
    assert.include(
      sql(Line, { where: [], orderBy: [] }, { shipments: LineShipments }).toSql("sqlite").sql,
      `LEFT JOIN "shipments" AS "_j1" ON (("_j1"."order_id" = "lines"."order_id") AND ("_j1"."line_no" = "lines"."line_no")) ORDER BY "lines"."order_id" ASC, "lines"."line_no" ASC, "_j1"."id" ASC`
    )
  })
})
