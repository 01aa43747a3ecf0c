/**
 * Writes with other queries in them (issue 14): UPDATE and DELETE whose WHERE or SET uses a
 * CTE, INSERT … SELECT, UPDATE … FROM and DELETE … USING (models, aliases, subqueries and
 * CTEs as sources), with RETURNING, on every database: the same rows change everywhere.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect } from "effect"
import * as Column from "../../src/Column.js"
import * as Expr from "../../src/Expr.js"
import * as Fn from "../../src/Fn.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Account extends Table.Class<Account>("Account")("wr_accounts", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  balance: Column.integer(),
  parentId: Column.integer({ nullable: true, name: "parent_id" })
}) {}

class Payment extends Table.Class<Payment>("Payment")("wr_payments", {
  id: Column.integer({ primaryKey: true }),
  accountId: Column.integer({ name: "account_id" }),
  amount: Column.integer()
}) {}

class Archive extends Table.Class<Archive>("Archive")("wr_archive", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40, unique: true }),
  total: Column.integer({ default: 0 })
}) {}

const metadata = MetaData.make(Account, Payment, Archive)

const seed = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  yield* Query.execute(Query.insert(Account).values([
    { id: 1, name: "ann", balance: 100, parentId: null },
    { id: 2, name: "bob", balance: 200, parentId: 1 },
    { id: 3, name: "cid", balance: 300, parentId: 1 },
    { id: 4, name: "dee", balance: 400, parentId: 2 }
  ]))
  yield* Query.execute(Query.insert(Payment).values([
    { id: 1, accountId: 2, amount: 5 },
    { id: 2, accountId: 3, amount: 7 },
    { id: 3, accountId: 3, amount: 11 }
  ]))
})

const balances = Effect.map(
  Query.execute(Query.select({ id: Account.c.id, balance: Account.c.balance }).orderBy(Account.c.id)),
  (rows) => rows.map((r) => [r.id, r.balance])
)
const ids = Effect.map(Query.execute(Query.select({ id: Account.c.id }).orderBy(Account.c.id)), (rows) => rows.map((r) => r.id))

/** Accounts richer than a bound parameter (a parameter inside the CTE). */
const rich = (min: number) => Query.with("wr_rich", Query.select({ id: Account.c.id }).where(Account.c.balance.gt(min)))

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("Writes", (it) => {
    it.effect("UPDATE … WHERE id IN (a select from a CTE), parameters inside the CTE and outside", () =>
      Effect.gen(function*() {
        yield* seed
        const cte = rich(150)
        const result = yield* Query.execute(
          Query.update(Account).set({ balance: Account.c.balance.plus(1) })
            .where(Account.c.id.in(Query.select({ id: cte.c.id }).from(cte).where(cte.c.id.lt(4))), Account.c.name.ne("zed"))
        )
        assert.strictEqual(result.rowsAffected, 2)
        assert.deepStrictEqual(yield* balances, [[1, 100], [2, 201], [3, 301], [4, 400]])
        yield* metadata.dropAll
      }))

    it.effect("DELETE … WHERE id IN (a select from a CTE), parameters inside the CTE and outside", () =>
      Effect.gen(function*() {
        yield* seed
        const cte = rich(250)
        const result = yield* Query.execute(
          Query.delete(Account).where(Account.c.name.ne("zed"), Account.c.id.in(Query.select({ id: cte.c.id }).from(cte).where(cte.c.id.ne(3))))
        )
        assert.strictEqual(result.rowsAffected, 1)
        assert.deepStrictEqual(yield* ids, [1, 2, 3])
        yield* metadata.dropAll
      }))

    it.effect("a CTE in an EXISTS, in a SET value and in RETURNING", () =>
      Effect.gen(function*() {
        yield* seed
        const cte = rich(150)
        const top = Query.select({ m: Fn.max(Account.c.balance) }).from(Account).where(Account.c.id.in(Query.select({ id: cte.c.id }).from(cte)))
        const rows = yield* Query.execute(
          Query.update(Account).set({ balance: top.scalar() as never })
            .where(Expr.exists(Query.select({ id: cte.c.id }).from(cte).where(cte.c.id.eq(Account.c.id))), Account.c.id.lt(3))
            .returning({ id: Account.c.id, balance: Account.c.balance })
        )
        assert.deepStrictEqual(rows.map((r) => [r.id, r.balance]), [[2, 400]])
        assert.deepStrictEqual(yield* balances, [[1, 100], [2, 400], [3, 300], [4, 400]])
        const gone = yield* Query.execute(
          Query.delete(Account).where(Expr.exists(Query.select({ id: cte.c.id }).from(cte).where(cte.c.id.eq(Account.c.id))), Account.c.id.gt(3))
            .returning({ id: Account.c.id })
        )
        assert.deepStrictEqual(gone.map((r) => r.id), [4])
        yield* metadata.dropAll
      }))

    it.effect("a recursive CTE in an UPDATE's subquery and as a DELETE's source", () =>
      Effect.gen(function*() {
        yield* seed
        const team = (root: number) =>
          Query.withRecursive(
            "wr_team",
            Query.select({ id: Account.c.id }).where(Account.c.id.eq(root)),
            (self) => Query.select({ id: Account.c.id }).from(Account).join(self, Account.c.parentId.eq(self.c.id))
          )
        const under2 = team(2)
        const result = yield* Query.execute(
          Query.update(Account).set({ balance: 0 }).where(Account.c.id.in(Query.select({ id: under2.c.id }).from(under2)))
        )
        assert.strictEqual(result.rowsAffected, 2)
        assert.deepStrictEqual(yield* balances, [[1, 100], [2, 0], [3, 300], [4, 0]])
        const under3 = team(3)
        const gone = yield* Query.execute(Query.delete(Account).using(under3).where(under3.c.id.eq(Account.c.id)))
        assert.strictEqual(gone.rowsAffected, 1)
        assert.deepStrictEqual(yield* ids, [1, 2, 4])
        yield* metadata.dropAll
      }))

    it.effect("INSERT … SELECT: names matched to columns, with a CTE, explicit columns, RETURNING", () =>
      Effect.gen(function*() {
        yield* seed
        const inserted = yield* Query.execute(
          Query.insert(Archive).fromSelect(Query.select({ name: Account.c.name, total: Account.c.balance }).where(Account.c.balance.gt(150)))
        )
        assert.strictEqual(inserted.rowsAffected, 3)
        const cte = rich(350)
        const returned = yield* Query.execute(
          Query.insert(Archive).fromSelect(
            Query.select({ label: Fn.concat(Account.c.name, "!"), n: Account.c.balance.plus(1) }).from(Account)
              .where(Account.c.id.in(Query.select({ id: cte.c.id }).from(cte))),
            [Archive.c.name, Archive.c.total]
          ).returning(Archive)
        )
        assert.deepStrictEqual(returned.map((a) => [a.name, a.total]), [["dee!", 401]])
        assert.instanceOf(returned[0], Archive)
        // The CTE named with .with() and joined.
        const sums = Query.with("wr_sums", Query.select({ account: Payment.c.accountId, total: Fn.sum(Payment.c.amount) }).groupBy(Payment.c.accountId))
        const viaWith = yield* Query.execute(
          Query.insert(Archive).fromSelect(
            Query.select({ name: Fn.concat(Account.c.name, "+"), total: Fn.coalesce(sums.c.total, Expr.literal(0)) }).from(Account)
              .join(sums, sums.c.account.eq(Account.c.id)).where(Account.c.id.eq(3)).with(sums),
            [Archive.c.name, Archive.c.total]
          )
        )
        assert.strictEqual(viaWith.rowsAffected, 1)
        const all = yield* Query.execute(Query.select({ name: Archive.c.name, total: Archive.c.total }).from(Archive))
        assert.deepStrictEqual(
          all.map((a) => [a.name, a.total]).sort(),
          [["bob", 200], ["cid", 300], ["cid+", 18], ["dee", 400], ["dee!", 401]].sort()
        )
        yield* metadata.dropAll
      }))

    it.effect("INSERT … SELECT that supplies the ids: a later insert still gets a fresh id", () =>
      Effect.gen(function*() {
        yield* seed
        yield* Query.execute(Query.insert(Archive).fromSelect(Query.select({ id: Account.c.id, name: Account.c.name, total: Account.c.balance })))
        const [next] = yield* Query.execute(Query.insert(Archive).values({ name: "new" }).returning(Archive))
        assert.strictEqual(next!.id, 5)
        yield* metadata.dropAll
      }))

    it.effect("INSERT … SELECT with onConflict: do nothing and do update", () =>
      Effect.gen(function*() {
        yield* seed
        yield* Query.execute(Query.insert(Archive).values({ name: "bob", total: 1 }))
        const source = Query.select({ name: Account.c.name, total: Account.c.balance }).from(Account).where(Account.c.id.in([2, 3]))
        yield* Query.execute(Query.insert(Archive).fromSelect(source).onConflict({ target: [Archive.c.name], doNothing: true }))
        const kept = yield* Query.execute(Query.select({ name: Archive.c.name, total: Archive.c.total }).from(Archive).orderBy(Archive.c.name))
        assert.deepStrictEqual(kept.map((a) => [a.name, a.total]), [["bob", 1], ["cid", 300]])
        yield* Query.execute(
          Query.insert(Archive).fromSelect(source).onConflict({ target: [Archive.c.name], doUpdate: { total: Query.excluded(Archive.c.total) } })
        )
        const updated = yield* Query.execute(Query.select({ name: Archive.c.name, total: Archive.c.total }).from(Archive).orderBy(Archive.c.name))
        assert.deepStrictEqual(updated.map((a) => [a.name, a.total]), [["bob", 200], ["cid", 300]])
        yield* metadata.dropAll
      }))

    it.effect("UPDATE … FROM a model, SET from its columns; RETURNING", () =>
      Effect.gen(function*() {
        yield* seed
        const result = yield* Query.execute(
          Query.update(Account).from(Payment).set({ balance: Account.c.balance.minus(Payment.c.amount) })
            .where(Payment.c.accountId.eq(Account.c.id), Payment.c.amount.lt(10))
        )
        assert.strictEqual(result.rowsAffected, 2)
        assert.deepStrictEqual(yield* balances, [[1, 100], [2, 195], [3, 293], [4, 400]])
        const rows = yield* Query.execute(
          Query.update(Account).from(Payment).set({ name: "paid" }).where(Payment.c.accountId.eq(Account.c.id), Payment.c.amount.gt(10))
            .returning(Account)
        )
        assert.deepStrictEqual(rows.map((a) => [a.id, a.name]), [[3, "paid"]])
        assert.instanceOf(rows[0], Account)
        yield* metadata.dropAll
      }))

    it.effect("UPDATE … FROM an alias (self-join), a subquery and a CTE", () =>
      Effect.gen(function*() {
        yield* seed
        const parent = Table.alias(Account, "wr_parent")
        yield* Query.execute(
          Query.update(Account).from(parent).set({ balance: parent.c.balance.plus(Account.c.balance) })
            .where(Account.c.parentId.eq(parent.c.id), parent.c.balance.lt(150))
        )
        assert.deepStrictEqual(yield* balances, [[1, 100], [2, 300], [3, 400], [4, 400]])
        const paid = Query.select({ account: Payment.c.accountId, total: Fn.sum(Payment.c.amount) }).groupBy(Payment.c.accountId).as("wr_paid")
        yield* Query.execute(
          Query.update(Account).from(paid).set({ balance: Account.c.balance.minus(Fn.coalesce(paid.c.total, Expr.literal(0)) as never) })
            .where(paid.c.account.eq(Account.c.id), paid.c.total.gt(Expr.literal(6)))
        )
        assert.deepStrictEqual(yield* balances, [[1, 100], [2, 300], [3, 382], [4, 400]])
        const cte = Query.with("wr_top", Query.select({ id: Account.c.id, b: Account.c.balance }).where(Account.c.balance.gte(400)))
        const rows = yield* Query.execute(
          Query.update(Account).from(cte).set({ name: "top" }).where(cte.c.id.eq(Account.c.id)).returning({ id: Account.c.id, name: Account.c.name })
        )
        assert.deepStrictEqual(rows.map((r) => [r.id, r.name]), [[4, "top"]])
        yield* metadata.dropAll
      }))

    it.effect("DELETE … USING a model, a subquery and a CTE; RETURNING", () =>
      Effect.gen(function*() {
        yield* seed
        const result = yield* Query.execute(Query.delete(Payment).using(Account).where(Account.c.id.eq(Payment.c.accountId), Account.c.name.eq("bob")))
        assert.strictEqual(result.rowsAffected, 1)
        const parent = Table.alias(Account, "wr_parent")
        const gone = yield* Query.execute(
          Query.delete(Account).using(parent).where(Account.c.parentId.eq(parent.c.id), parent.c.name.eq("bob")).returning(Account)
        )
        assert.deepStrictEqual(gone.map((a) => a.id), [4])
        const many = Query.select({ account: Payment.c.accountId, n: Fn.count() }).groupBy(Payment.c.accountId).as("wr_many")
        const viaSub = yield* Query.execute(Query.delete(Account).using(many).where(many.c.account.eq(Account.c.id), many.c.n.gt(Expr.literal(1))))
        assert.strictEqual(viaSub.rowsAffected, 1)
        const cte = rich(150)
        const viaCte = yield* Query.execute(Query.delete(Account).using(cte).where(cte.c.id.eq(Account.c.id)).returning({ id: Account.c.id }))
        assert.deepStrictEqual(viaCte.map((r) => r.id), [2])
        assert.deepStrictEqual(yield* ids, [1])
        yield* metadata.dropAll
      }))
  })
}
