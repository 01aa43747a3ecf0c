/**
 * Tags, and a publication time on posts
 *
 * Written by retort autogenerate: review it before you apply it.
 */
import { Effect } from "effect"
import { Migration } from "retort-orm"

export default Migration.make({
  id: "0002_tags_and_publishing",
  message: "Tags, and a publication time on posts",
  up: Effect.gen(function*() {
    yield* Migration.createTable({
      name: "tags",
      columns: [
        { name: "id", type: { _tag: "integer" }, nullable: false, default: undefined, autoIncrement: true },
        {
          name: "label",
          type: { _tag: "string", length: 30 },
          nullable: false,
          default: undefined,
          autoIncrement: false
        }
      ],
      primaryKey: { name: "tags_pkey", columns: ["id"] },
      foreignKeys: [],
      indexes: [],
      uniques: [{ name: "tags_label_key", columns: ["label"] }],
      checks: []
    })
    yield* Migration.createTable({
      name: "post_tags",
      columns: [
        {
          name: "post_id",
          type: { _tag: "integer" },
          nullable: false,
          default: undefined,
          autoIncrement: false
        },
        {
          name: "tag_id",
          type: { _tag: "integer" },
          nullable: false,
          default: undefined,
          autoIncrement: false
        }
      ],
      primaryKey: { name: "post_tags_pkey", columns: ["post_id", "tag_id"] },
      foreignKeys: [
        {
          name: "post_tags_post_id_fkey",
          columns: ["post_id"],
          referencedTable: "posts",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "noAction"
        },
        {
          name: "post_tags_tag_id_fkey",
          columns: ["tag_id"],
          referencedTable: "tags",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "noAction"
        }
      ],
      indexes: [],
      uniques: [],
      checks: []
    })
    yield* Migration.addColumn("posts", {
      name: "published_at",
      type: { _tag: "dateTime", timezone: false, precision: 6 },
      nullable: true,
      default: undefined,
      autoIncrement: false
    })
    yield* Migration.createIndex("posts", { name: "ix_posts_author_id_published_at", columns: ["author_id", "published_at"], unique: false })
  }),
  down: Effect.gen(function*() {
    yield* Migration.dropIndex("posts", "ix_posts_author_id_published_at")
    yield* Migration.dropColumn("posts", "published_at")
    yield* Migration.dropTable("post_tags")
    yield* Migration.dropTable("tags")
  })
})
