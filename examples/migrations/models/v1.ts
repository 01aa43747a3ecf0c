/**
 * The blog, revision 1: users and their posts.
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
  body: Column.text()
}) {}

export const metadata = MetaData.make(User, Post)
