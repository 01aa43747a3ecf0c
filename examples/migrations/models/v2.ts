/**
 * The blog, revision 2: posts get a publication time (and an index to list an author's
 * posts by it), and tags, attached to posts through a join table.
 */
import { Column, MetaData, Table } from "retort-orm"

export class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50, unique: true })
}) {}

export class Post extends Table.Class<Post>("Post")("posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => User.c.id, onDelete: "cascade" }),
  title: Column.string({ length: 200 }),
  body: Column.text(),
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

export const metadata = MetaData.make(User, Post, Tag, PostTag)
