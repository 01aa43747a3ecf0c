/**
 * The blog, revision 3: a user's `name` becomes `display_name` (same type: autogenerate
 * offers a rename, with a note to review), users get an optional unique email, a post's
 * body becomes optional, and readers leave comments (approved by default: no).
 */
import { Column, Expr, MetaData, Table } from "retort-orm"

export class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }),
  displayName: Column.string({ name: "display_name", length: 50, unique: true }),
  email: Column.string({ length: 120, nullable: true, unique: true })
}) {}

export class Post extends Table.Class<Post>("Post")("posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => User.c.id, onDelete: "cascade" }),
  title: Column.string({ length: 200 }),
  body: Column.text({ nullable: true }),
  publishedAt: Column.dateTime({ name: "published_at", nullable: true })
}, { indexes: [["authorId", "publishedAt"]] }) {}

export class Tag extends Table.Class<Tag>("Tag")("tags", {
  id: Column.integer({ primaryKey: true }),
  label: Column.string({ length: 30, unique: true })
}) {}

export class PostTag extends Table.Class<PostTag>("PostTag")("post_tags", {
  postId: Column.integer({ name: "post_id", references: () => Post.c.id, onDelete: "cascade" }),
  tagId: Column.integer({ name: "tag_id", references: () => Tag.c.id, onDelete: "cascade" })
}, { primaryKey: ["postId", "tagId"] }) {}

export class Comment extends Table.Class<Comment>("Comment")("comments", {
  id: Column.integer({ primaryKey: true }),
  postId: Column.integer({ name: "post_id", references: () => Post.c.id, onDelete: "cascade" }),
  authorId: Column.integer({ name: "author_id", nullable: true, references: () => User.c.id, onDelete: "setNull" }),
  body: Column.text(),
  approved: Column.boolean({ serverDefault: Expr.literal(false) })
}) {}

export const metadata = MetaData.make(User, Post, Tag, PostTag, Comment)
