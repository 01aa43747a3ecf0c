/**
 * Create users and posts
 *
 * Written by retort autogenerate: review it before you apply it.
 */
import { Effect } from "effect"
import { Migration } from "retort-orm"

export default Migration.make({
  id: "0001_create_blog",
  message: "Create users and posts",
  up: Effect.gen(function*() {
    yield* Migration.createTable({
      name: "users",
      columns: [
        { name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: true },
        {
          name: "name",
          type: { _tag: "string", length: 50 },
          nullable: false,
          default: undefined,
          autoIncrement: false
        }
      ],
      primaryKey: { name: "users_pkey", columns: ["id"] },
      foreignKeys: [],
      indexes: [],
      uniques: [{ name: "users_name_key", columns: ["name"] }],
      checks: []
    })
    yield* Migration.createTable({
      name: "posts",
      columns: [
        { name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: true },
        {
          name: "author_id",
          type: { _tag: "integer" },
          nullable: false,
          default: undefined,
          autoIncrement: false
        },
        {
          name: "title",
          type: { _tag: "string", length: 200 },
          nullable: false,
          default: undefined,
          autoIncrement: false
        },
        { name: "body", type: { _tag: "text" }, nullable: false, default: undefined, autoIncrement: false }
      ],
      primaryKey: { name: "posts_pkey", columns: ["id"] },
      foreignKeys: [
        {
          name: "posts_author_id_fkey",
          columns: ["author_id"],
          referencedTable: "users",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "noAction"
        }
      ],
      indexes: [],
      uniques: [],
      checks: []
    })
  }),
  down: Effect.gen(function*() {
    yield* Migration.dropTable("posts")
    yield* Migration.dropTable("users")
  })
})
