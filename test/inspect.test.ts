/**
 * Reflection without a database: the per-dialect normalizers of defaults and CHECK text,
 * `Inspect.fromMetaData` (names, folded types, canonical choices per dialect) and the
 * names and options `Inspect.toModels` writes.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Column from "../src/Column.js"
import { DefinitionError } from "../src/Errors.js"
import * as Inspect from "../src/Inspect.js"
import * as MetaData from "../src/MetaData.js"
import * as Table from "../src/Table.js"
import { metadata as chinook } from "../examples/chinook/models.js"
import { everything } from "./fixtures/inspect-models.js"

describe("Inspect normalizers", () => {
  it("PostgreSQL: casts, outer and doubled parentheses, now()", () => {
    const n = (s: string) => Inspect.normalizeDefault("postgresql", s)
    assert.strictEqual(n("'x'::character varying"), "'x'")
    assert.strictEqual(n("'it''s'::text"), "'it''s'")
    assert.strictEqual(n("'-5'::integer"), "-5")
    assert.strictEqual(n("now()"), "CURRENT_TIMESTAMP")
    assert.strictEqual(n("NULL::character varying"), undefined)
    assert.strictEqual(
      n("((CURRENT_TIMESTAMP AT TIME ZONE 'UTC'::text))::date"),
      n("((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date)")
    )
    assert.strictEqual(n("'draft'::\"Post Status\""), "'draft'")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "(pages > 0)"), "pages > 0")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "(length((name)::text) > 0)"), "length(name) > 0")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "(price >= (0)::numeric)"), "price >= 0")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "\"Pages\" > 0"), "\"Pages\" > 0")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "((a > 0) AND (b < (-1)))"), "a > 0 AND b < -1")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "((a > 0) AND ((b < 0) OR (b > 1)))"), "a > 0 AND (b < 0 OR b > 1)")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "((a IS NOT NULL) AND (NOT b))"), "a IS NOT NULL AND NOT b")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "(((a OR b)) AND c)"), "(a OR b) AND c")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "(x = (lower(y)))"), "x = lower(y)")
    assert.strictEqual(Inspect.normalizeCheck("postgresql", "(x IN ('a'))"), "x IN ('a')")
  })

  it("MariaDB: backquotes, lower-case keywords, current_timestamp(), decimal zeros, backslashes", () => {
    assert.strictEqual(Inspect.normalizeCheck("mysql", "`pages` > 0"), "pages > 0")
    assert.strictEqual(Inspect.normalizeCheck("mysql", "`status` in ('a','b')"), "status IN ('a', 'b')")
    assert.strictEqual(Inspect.normalizeCheck("mysql", "`status` IN ('a', 'b')"), "status IN ('a', 'b')")
    assert.strictEqual(Inspect.normalizeDefault("mysql", "current_timestamp()"), "CURRENT_TIMESTAMP")
    assert.strictEqual(Inspect.normalizeDefault("mysql", "(UTC_TIMESTAMP(6))"), "utc_timestamp(6)")
    assert.strictEqual(Inspect.normalizeDefault("mysql", "0.00"), "0")
    assert.strictEqual(Inspect.normalizeDefault("mysql", "1.50"), "1.5")
    assert.strictEqual(Inspect.normalizeDefault("mysql", "'it''s a\\\\b'"), Inspect.normalizeDefault("mysql", "'it\\'s a\\\\b'"))
    assert.strictEqual(Inspect.normalizeDefault("mysql", "NULL"), undefined)
  })

  it("SQLite: parentheses, white space, comments, quoted identifiers", () => {
    assert.strictEqual(Inspect.normalizeDefault("sqlite", "(strftime('%Y-%m-%d %H:%M:%f', 'now'))"), "strftime('%Y-%m-%d %H:%M:%f', 'now')")
    assert.strictEqual(Inspect.normalizeDefault("sqlite", "('member')"), "'member'")
    assert.strictEqual(Inspect.normalizeCheck("sqlite", "\"status\"  IN ('a','b') -- literal"), "status IN ('a', 'b')")
    assert.strictEqual(Inspect.normalizeCheck("sqlite", "(a > 0) AND (b < -1)"), "a > 0 AND b < -1")
    assert.strictEqual(Inspect.normalizeCheck("sqlite", "\"odd name\" > 0"), "\"odd name\" > 0")
  })
})

describe("Inspect.fromMetaData", () => {
  it("names constraints and indexes as retort's DDL does", () => {
    const schema = Inspect.fromMetaData(chinook, "postgresql")
    assert.deepStrictEqual(schema.tables.map((t) => t.name), [
      "album", "artist", "customer", "employee", "genre", "invoice", "invoice_line", "media_type", "playlist", "playlist_track", "track"
    ])
    const album = schema.tables[0]!
    assert.deepStrictEqual(album.primaryKey, { name: "album_pkey", columns: ["album_id"] })
    assert.deepStrictEqual(album.indexes, [{ name: "ix_album_artist_id", columns: ["artist_id"], unique: false }])
    assert.deepStrictEqual(album.foreignKeys, [{
      name: "album_artist_id_fkey", columns: ["artist_id"], referencedTable: "artist", referencedColumns: ["artist_id"],
      onDelete: "noAction", onUpdate: "noAction"
    }])
    assert.isTrue(album.columns[0]!.autoIncrement)
  })

  it("folds what each database folds", () => {
    const find = (dialect: "sqlite" | "postgresql" | "mysql") => {
      const schema = Inspect.fromMetaData(everything, dialect)
      const table = schema.tables.find((t) => t.name === "it_everything")!
      return { schema, table, column: (name: string) => table.columns.find((c) => c.name === name)! }
    }
    const sqlite = find("sqlite")
    assert.deepStrictEqual(sqlite.column("data").type, { _tag: "text" })
    assert.deepStrictEqual(sqlite.column("wide").type, { _tag: "text" })
    assert.deepStrictEqual(sqlite.column("seen_at").type, { _tag: "dateTime", timezone: false, precision: 6 })
    assert.deepStrictEqual(sqlite.column("mood").type, { _tag: "literal", values: ["happy", "sad"], enumName: undefined })
    assert.isFalse(sqlite.table.checks.some((c) => c.name === "it_everything_status_values"))
    assert.deepStrictEqual(sqlite.schema.tables.find((t) => t.name === "it_owners")!.columns[0]!.type, { _tag: "integer" })
    assert.deepStrictEqual(sqlite.schema.enums, [])

    const pg = find("postgresql")
    assert.deepStrictEqual(pg.column("data").type, { _tag: "json" })
    assert.deepStrictEqual(pg.column("seen_at").type, { _tag: "dateTime", timezone: true, precision: 6 })
    assert.deepStrictEqual(pg.schema.enums, [
      { name: "it_everything_status", values: ["draft", "published"] },
      { name: "it_mood", values: ["happy", "sad"] }
    ])
    assert.strictEqual(pg.schema.tables.find((t) => t.name === "it_owners")!.columns[2]!.default, "'it''s anon'")

    const maria = find("mysql")
    assert.deepStrictEqual(maria.column("data").type, { _tag: "json" })
    assert.deepStrictEqual(maria.column("active").type, { _tag: "boolean" })
    assert.strictEqual(maria.table.primaryKey?.name, undefined)
    assert.deepStrictEqual(maria.table.indexes.map((i) => i.name), [
      "it_everything_title_idx", "ix_it_everything_owner_id", "ix_it_everything_status_count"
    ])
    assert.deepStrictEqual(maria.table.uniques.map((u) => u.name), ["it_everything_title_owner_id_key", "ix_it_everything_token"])
    const membership = maria.schema.tables.find((t) => t.name === "it_memberships")!
    assert.deepStrictEqual(membership.foreignKeys.map((f) => f.onDelete), ["noAction", "cascade"])
  })

  it("throws DefinitionError for an invalid set of tables", () => {
    class Parent extends Table.Class<Parent>("Parent")("parents", { id: Column.integer({ primaryKey: true }) }) {}
    class Child extends Table.Class<Child>("Child")("children", {
      id: Column.integer({ primaryKey: true }),
      parentId: Column.integer({ references: () => Parent.c.id })
    }) {}
    assert.throws(() => Inspect.fromMetaData(MetaData.make(Child), "sqlite"), DefinitionError)
  })
})

describe("Inspect.toModels", () => {
  it("writes PascalCase singular classes, camelCase fields and keeps names", () => {
    const source = Inspect.toModels({
      tables: [{
        name: "blog_posts",
        columns: [
          { name: "id", type: { _tag: "bigint" }, nullable: false, default: undefined, autoIncrement: false },
          { name: "Title", type: { _tag: "string", length: 80 }, nullable: false, default: "'untitled'", autoIncrement: false },
          { name: "state", type: { _tag: "literal", values: ["a", "b"], enumName: "post_state" }, nullable: true, default: undefined, autoIncrement: false },
          { name: "category_id", type: { _tag: "integer" }, nullable: true, default: undefined, autoIncrement: false }
        ],
        primaryKey: { name: "blog_posts_pkey", columns: ["id"] },
        foreignKeys: [{
          name: "fk", columns: ["category_id"], referencedTable: "categories", referencedColumns: ["id"], onDelete: "setNull", onUpdate: "noAction"
        }],
        indexes: [{ name: "by_title", columns: ["Title"], unique: true }],
        uniques: [],
        checks: [{ name: "title_not_empty", sql: "length(Title) > 0" }]
      }, {
        name: "categories",
        columns: [{ name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: true }],
        primaryKey: { name: "categories_pkey", columns: ["id"] },
        foreignKeys: [],
        indexes: [],
        uniques: [],
        checks: []
      }],
      enums: [{ name: "post_state", values: ["a", "b"] }]
    })
    assert.include(source, `import { Column, Expr, MetaData, Table } from "retort-orm"`)
    assert.include(source, `export class BlogPost extends Table.Class<BlogPost>("BlogPost")("blog_posts", {`)
    assert.include(source, `id: Column.bigint({ primaryKey: true, autoIncrement: false })`)
    assert.include(source, `title: Column.string({ length: 80, name: "Title", serverDefault: Expr.raw("'untitled'") })`)
    assert.include(source, `state: Column.literal("a", "b").with({ enumName: "post_state", nullable: true })`)
    assert.include(source, `references: (): Column.AnyRef => Category.c.id, onDelete: "setNull"`)
    assert.include(source, `indexes: [{ columns: ["title"], name: "by_title", unique: true }]`)
    assert.include(source, `checks: [{ expr: Expr.raw("length(Title) > 0"), name: "title_not_empty" }]`)
    assert.include(source, `export const metadata = MetaData.make(BlogPost, Category)`)
  })
})
