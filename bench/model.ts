/**
 * The benchmark's five-column users table, shared by the harness and the profiling scripts.
 */
import { BigDecimal } from "effect"
import { Column, Table } from "../src/index.js"

export class User extends Table.Class<User>("User")("bench_users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 }),
  email: Column.string({ length: 100 }),
  age: Column.integer(),
  score: Column.numeric({ precision: 10, scale: 2 })
}) {}

/** Row `i` as plain values, in column order (for the raw drivers). */
export const userRow = (i: number) => ({
  id: i + 1,
  name: `user ${i}`,
  email: `user${i}@example.com`,
  age: 20 + (i % 50),
  score: `${i % 1000}.${String(i % 100).padStart(2, "0")}`
})

/** Row `i` as a retort insert. */
export const userInsert = (i: number) => {
  const r = userRow(i)
  return { ...r, score: BigDecimal.unsafeFromString(r.score) }
}
