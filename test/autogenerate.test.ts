/**
 * `diffSchemas` without a database: each kind of change gives the right operations, in an
 * order that applies, with `previous` for `down`; rename detection only for a unique match
 * of the same shape. `render` and `inverse`: down from previous, refusals for what has none.
 */
import { describe, expect, it } from "@effect/vitest"
import type * as Inspect from "../src/Inspect.js"
import { diffSchemas } from "../src/internal/migration/diff.js"
import { inverse } from "../src/internal/migration/inverse.js"
import type { Operation } from "../src/internal/migration/operations.js"
import { render } from "../src/internal/migration/render.js"

const col = (name: string, type: Inspect.ColumnType = { _tag: "integer" }, extra: Partial<Inspect.Column> = {}): Inspect.Column => ({
  name,
  type,
  nullable: false,
  default: undefined,
  autoIncrement: false,
  ...extra
})
const id = col("id", { _tag: "integer" }, { autoIncrement: true })
const table = (name: string, columns: ReadonlyArray<Inspect.Column>, extra: Partial<Inspect.Table> = {}): Inspect.Table => ({
  name,
  columns: [id, ...columns],
  primaryKey: { name: undefined, columns: ["id"] },
  foreignKeys: [],
  indexes: [],
  uniques: [],
  checks: [],
  ...extra
})
const schema = (...tables: ReadonlyArray<Inspect.Table>): Inspect.Schema => ({ tables, enums: [] })
const pg = { nativeEnum: true }
const lite = { nativeEnum: false }
const tags = (ops: ReadonlyArray<Operation>) => ops.map((o) => o._tag)

const users = table("users", [col("name", { _tag: "string", length: 50 })])
const fk: Inspect.ForeignKey = {
  name: "posts_author_id_fkey",
  columns: ["author_id"],
  referencedTable: "users",
  referencedColumns: ["id"],
  onDelete: "cascade",
  onUpdate: "noAction"
}
const posts = table("posts", [col("author_id"), col("title", { _tag: "text" })], { foreignKeys: [fk] })

describe("diffSchemas", () => {
  it("equal schemas give nothing", () => {
    expect(diffSchemas(schema(users, posts), schema(posts, users), lite)).toEqual([])
  })

  it("new tables are created parents first, and dropped children first, with previous", () => {
    const up = diffSchemas(schema(), schema(posts, users), lite)
    expect(up.map((o) => o._tag === "CreateTable" && o.table.name)).toEqual(["users", "posts"])
    const down = diffSchemas(schema(users, posts), schema(), lite)
    expect(down).toEqual([
      { _tag: "DropTable", table: "posts", previous: posts },
      { _tag: "DropTable", table: "users", previous: users }
    ])
  })

  it("a foreign-key cycle is closed after both tables exist", () => {
    const a = table("a", [col("b_id")], { foreignKeys: [{ ...fk, name: "a_b_fkey", columns: ["b_id"], referencedTable: "b" }] })
    const b = table("b", [col("a_id")], { foreignKeys: [{ ...fk, name: "b_a_fkey", columns: ["a_id"], referencedTable: "a" }] })
    const ops = diffSchemas(schema(), schema(a, b), lite)
    expect(tags(ops)).toEqual(["CreateTable", "CreateTable", "AddForeignKey"])
    expect(ops[0]).toMatchObject({ table: { name: "a", foreignKeys: [] } })
    expect(ops[2]).toMatchObject({ table: "a", foreignKey: { name: "a_b_fkey" } })
  })

  it("added, dropped and altered columns, with previous and notes for risky ones", () => {
    const next = table("users", [
      col("name", { _tag: "string", length: 100 }, { nullable: true, default: "'anon'" }),
      col("age", { _tag: "integer" }, { nullable: true })
    ])
    const ops = diffSchemas(schema(users), schema(next), lite)
    expect(ops).toEqual([
      { _tag: "AddColumn", table: "users", column: next.columns[2] },
      {
        _tag: "AlterColumn",
        table: "users",
        column: "name",
        type: { _tag: "string", length: 100 },
        nullable: true,
        default: "'anon'",
        previous: users.columns[1]
      }
    ])
    const back = diffSchemas(schema(next), schema(users), lite)
    expect(tags(back)).toEqual(["AlterColumn", "DropColumn"])
    expect(back[0]).toMatchObject({ nullable: false, default: null, note: expect.stringContaining("NOT NULL") })
    expect(back[1]).toEqual({ _tag: "DropColumn", table: "users", column: "age", previous: next.columns[2] })
    const strict = diffSchemas(schema(users), schema(table("users", [...users.columns.slice(1), col("score")])), lite)
    expect(strict[0]).toMatchObject({ _tag: "AddColumn", note: expect.stringContaining("without a server default") })
  })

  it("a unique same-shape pair is a rename; two candidates are drop + add with a note", () => {
    const renamed = table("users", [col("full_name", { _tag: "string", length: 50 })])
    expect(diffSchemas(schema(users), schema(renamed), lite)).toEqual([
      { _tag: "RenameColumn", table: "users", from: "name", to: "full_name", note: expect.stringContaining("Guessed rename") }
    ])
    // Different type: not a rename.
    const other = table("users", [col("nick", { _tag: "text" })])
    const ops = diffSchemas(schema(users), schema(other), lite)
    expect(tags(ops)).toEqual(["AddColumn", "DropColumn"])
    expect(ops.every((o) => o.note?.includes("renamed"))).toBe(true)
    // Two candidates of the same shape: ambiguous.
    const two = table("users", [col("first", { _tag: "string", length: 50 }), col("last", { _tag: "string", length: 50 })])
    expect(tags(diffSchemas(schema(users), schema(two), lite))).toEqual(["AddColumn", "AddColumn", "DropColumn"])
  })

  it("a renamed column carries its keys: the foreign key and the index follow it", () => {
    const ix: Inspect.Index = { name: "ix_posts_author_id", columns: ["author_id"], unique: false }
    const before = { ...posts, indexes: [ix] }
    const after = {
      ...posts,
      columns: posts.columns.map((c) => (c.name === "author_id" ? { ...c, name: "writer_id" } : c)),
      foreignKeys: [{ ...fk, columns: ["writer_id"] }],
      indexes: [{ ...ix, columns: ["writer_id"] }]
    }
    expect(tags(diffSchemas(schema(users, before), schema(users, after), lite))).toEqual(["RenameColumn"])
  })

  it("a table renamed with the same shape is a rename, and foreign keys into it follow", () => {
    const authors = { ...users, name: "authors" }
    const posts2 = { ...posts, foreignKeys: [{ ...fk, referencedTable: "authors" }] }
    const ops = diffSchemas(schema(users, posts), schema(authors, posts2), lite)
    expect(ops).toEqual([{ _tag: "RenameTable", from: "users", to: "authors", note: expect.stringContaining("Guessed rename") }])
    // Another table of the same shape appears too: two candidates, no guess.
    const twin = { ...users, name: "people" }
    const ambiguous = diffSchemas(schema(users), schema(authors, twin), lite)
    expect(tags(ambiguous)).toEqual(["DropTable", "CreateTable", "CreateTable"])
    expect(ambiguous.every((o) => o.note?.includes("renamed"))).toBe(true)
  })

  it("foreign keys, indexes, uniques and checks: drops before column changes, adds after", () => {
    const ix: Inspect.Index = { name: "ix_posts_title", columns: ["title"], unique: false }
    const uq: Inspect.Unique = { name: "posts_title_key", columns: ["title"] }
    const ck: Inspect.Check = { name: "posts_check1", sql: "author_id > 0" }
    const bare = { ...posts, foreignKeys: [] }
    const full = { ...posts, indexes: [ix], uniques: [uq], checks: [ck] }
    expect(tags(diffSchemas(schema(users, bare), schema(users, full), lite))).toEqual([
      "CreateIndex", "AddUnique", "AddCheck", "AddForeignKey"
    ])
    const back = diffSchemas(schema(users, full), schema(users, { ...bare, columns: bare.columns.slice(0, 2) }), lite)
    expect(tags(back)).toEqual(["DropForeignKey", "DropIndex", "DropUnique", "DropCheck", "DropColumn"])
    expect(back[0]).toEqual({ _tag: "DropForeignKey", table: "posts", name: "posts_author_id_fkey", previous: fk })
    // A changed action is a drop and an add.
    const restrict = { ...posts, foreignKeys: [{ ...fk, onDelete: "restrict" as const }] }
    expect(tags(diffSchemas(schema(users, posts), schema(users, restrict), lite))).toEqual(["DropForeignKey", "AddForeignKey"])
    // A reflected unnamed unique matches a named one of the same columns.
    const unnamed = { ...full, uniques: [{ name: undefined, columns: ["title"] }] }
    expect(diffSchemas(schema(users, unnamed), schema(users, full), lite)).toEqual([])
  })

  it("a dropped table's incoming foreign keys go first", () => {
    const ops = diffSchemas(schema(users, posts), schema(table("posts", posts.columns.slice(1))), lite)
    expect(tags(ops)).toEqual(["DropForeignKey", "DropTable"])
  })

  it("a primary key change rebuilds the table, with a note, and re-links foreign keys into it", () => {
    const keyed = { ...users, primaryKey: { name: undefined, columns: ["id", "name"] } }
    const ops = diffSchemas(schema(users, posts), schema(keyed, posts), lite)
    expect(tags(ops)).toEqual(["DropForeignKey", "DropTable", "CreateTable", "AddForeignKey"])
    expect(ops[1]?.note).toContain("primary key")
    expect(ops[1]).toMatchObject({ previous: users })
  })

  it("PostgreSQL enums: created first, values added, values removed by a rebuild, dropped last", () => {
    const status = (values: ReadonlyArray<string>): Inspect.ColumnType => ({ _tag: "literal", values, enumName: "post_status" })
    const withStatus = (values: ReadonlyArray<string>) => ({
      tables: [table("posts", [col("status", status(values))])],
      enums: [{ name: "post_status", values }]
    })
    expect(tags(diffSchemas(schema(), withStatus(["draft"]), pg))).toEqual(["CreateEnum", "CreateTable"])
    expect(diffSchemas(withStatus(["draft"]), withStatus(["draft", "published"]), pg)).toEqual([
      { _tag: "AddEnumValue", name: "post_status", value: "published" }
    ])
    const removed = diffSchemas(withStatus(["draft", "published"]), withStatus(["draft"]), pg)
    expect(tags(removed)).toEqual(["AlterColumn", "DropEnum", "CreateEnum", "AlterColumn"])
    expect(removed[0]?.note).toContain("cannot drop a value")
    expect(removed[1]).toMatchObject({ previous: { values: ["draft", "published"] } })
    expect(tags(diffSchemas(withStatus(["draft"]), schema(), pg))).toEqual(["DropTable", "DropEnum"])
    // Without native enums, the values are part of the column's type.
    const lits = (values: ReadonlyArray<string>) => schema(table("posts", [col("status", { _tag: "literal", values, enumName: undefined })]))
    expect(diffSchemas(lits(["a"]), lits(["a", "b"]), lite)).toMatchObject([{ _tag: "AlterColumn", type: { values: ["a", "b"] } }])
  })
})

describe("render", () => {
  const users: Inspect.Table = table("users", [col("name", { _tag: "string", length: 50 })])

  it("writes up in order and down as the inverses in reverse, notes as comments", () => {
    const ops = diffSchemas(schema(), schema(users), lite)
    const alter: Operation = {
      _tag: "AlterColumn",
      table: "users",
      column: "name",
      type: { _tag: "text" },
      default: "'x'",
      previous: users.columns[1]!,
      note: "Widened.\nReview."
    }
    const source = render([...ops, alter], { id: "0001_users", message: "users */ and more" })
    expect(source).toContain(`import { Migration } from "retort-orm"`)
    expect(source).toContain(` * users *\\/ and more`)
    expect(source).toContain(`    // Widened.\n    // Review.\n    yield* Migration.alterColumn("users", "name", { type: { _tag: "text" }, default: "'x'" })`)
    const down = source.slice(source.indexOf("down:"))
    expect(down.indexOf(`Migration.alterColumn("users", "name", { type: { _tag: "string", length: 50 }, default: null })`)).toBeLessThan(
      down.indexOf(`Migration.dropTable("users")`)
    )
    expect(source).not.toContain("Irreversible")
  })

  it("an operation without a known inverse makes down refuse first, with the reason", () => {
    const source = render([
      { _tag: "CreateTable", table: users },
      { _tag: "AddEnumValue", name: "mood", value: "meh" },
      { _tag: "Execute", sql: "UPDATE users SET name = ?", params: ["x"] },
      { _tag: "DropColumn", table: "users", column: "age" }
    ], { id: "0002", message: "m", importFrom: "../src/index.js" })
    expect(source).toContain(`import { Errors, Migration } from "../src/index.js"`)
    const down = source.slice(source.indexOf("down:"))
    const refusal = down.indexOf("yield* new Errors.MigrationError(")
    expect(refusal).toBeGreaterThan(0)
    expect(refusal).toBeLessThan(down.indexOf(`Migration.dropTable("users")`))
    expect(down).toContain(`reason: "Irreversible"`)
    expect(down).toContain("PostgreSQL cannot drop the value 'meh'")
    expect(down).toContain("a raw SQL statement (execute) has no known inverse")
    expect(down).toContain(`dropColumn("users", "age") was written without its previous state`)
  })

  it("inverse: each operation and back", () => {
    const fk: Inspect.ForeignKey = { name: "a_fkey", columns: ["b"], referencedTable: "b", referencedColumns: ["id"], onDelete: "noAction", onUpdate: "noAction" }
    expect(inverse({ _tag: "AddForeignKey", table: "a", foreignKey: fk })).toEqual({
      _tag: "Inverse",
      operation: { _tag: "DropForeignKey", table: "a", name: "a_fkey", previous: fk }
    })
    expect(inverse({ _tag: "RenameColumn", table: "t", from: "a", to: "b" })).toEqual({
      _tag: "Inverse",
      operation: { _tag: "RenameColumn", table: "t", from: "b", to: "a" }
    })
    expect(inverse({ _tag: "AddForeignKey", table: "a", foreignKey: { ...fk, name: undefined } })._tag).toBe("Irreversible")
  })
})
