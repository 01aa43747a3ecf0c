/**
 * The benchmark's five-column users table, shared by the harness and the profiling scripts.
 */
import { BigDecimal, Effect, Layer, ManagedRuntime } from "effect"
import { Column, Engine, MetaData, Query, Session, Table } from "../src/index.js"

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

/** A runtime with a session layer over a pool of 10 on `url`, its users table made anew with `rows` users. */
export const seededRuntime = async (url: string, rows: number) => {
  const runtime = ManagedRuntime.make(Session.layer.pipe(Layer.provideMerge(Engine.layer(url, { pool: { size: 10 } }))))
  const md = MetaData.make(User)
  await runtime.runPromise(Effect.gen(function*() {
    yield* md.dropAll
    yield* md.createAll
    yield* Query.execute(Query.insert(User).values(Array.from({ length: rows }, (_, i) => userInsert(i))))
  }))
  return { runtime, md }
}
