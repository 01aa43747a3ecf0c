/**
 * Comments, user emails, display names
 *
 * Written by retort autogenerate: review it before you apply it.
 */
import { Effect } from "effect"
import { Migration } from "retort-orm"

export default Migration.make({
  id: "0003_comments_and_emails",
  message: "Comments, user emails, display names",
  up: Effect.gen(function*() {
    // Guessed rename: column "users.name" disappears and "display_name" appears with the same type, nullability and default. Review: if it is a new column, replace this with dropColumn + addColumn.
    yield* Migration.renameColumn("users", "name", "display_name")
    yield* Migration.dropUnique("users", "users_name_key")
    yield* Migration.createTable({
      name: "comments",
      columns: [
        { name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: true },
        {
          name: "post_id",
          type: { _tag: "integer" },
          nullable: false,
          default: undefined,
          autoIncrement: false
        },
        {
          name: "author_id",
          type: { _tag: "integer" },
          nullable: true,
          default: undefined,
          autoIncrement: false
        },
        { name: "body", type: { _tag: "text" }, nullable: false, default: undefined, autoIncrement: false },
        { name: "approved", type: { _tag: "boolean" }, nullable: false, default: "0", autoIncrement: false }
      ],
      primaryKey: { name: "comments_pkey", columns: ["id"] },
      foreignKeys: [
        {
          name: "comments_author_id_fkey",
          columns: ["author_id"],
          referencedTable: "users",
          referencedColumns: ["id"],
          onDelete: "setNull",
          onUpdate: "noAction"
        },
        {
          name: "comments_post_id_fkey",
          columns: ["post_id"],
          referencedTable: "posts",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "noAction"
        }
      ],
      indexes: [],
      uniques: [],
      checks: []
    })
    yield* Migration.addColumn("users", {
      name: "email",
      type: { _tag: "string", length: 120 },
      nullable: true,
      default: undefined,
      autoIncrement: false
    })
    yield* Migration.alterColumn("posts", "body", { nullable: true })
    yield* Migration.addUnique("users", { name: "users_display_name_key", columns: ["display_name"] })
    yield* Migration.addUnique("users", { name: "users_email_key", columns: ["email"] })
  }),
  down: Effect.gen(function*() {
    yield* Migration.dropUnique("users", "users_email_key")
    yield* Migration.dropUnique("users", "users_display_name_key")
    yield* Migration.alterColumn("posts", "body", { nullable: false })
    yield* Migration.dropColumn("users", "email")
    yield* Migration.dropTable("comments")
    yield* Migration.addUnique("users", { name: "users_name_key", columns: ["display_name"] })
    yield* Migration.renameColumn("users", "display_name", "name")
  })
})
