/**
 * Compile tests for writes with other queries in them (issue 14): the SQL and parameters of
 * UPDATE / DELETE using CTEs, INSERT … SELECT, UPDATE … FROM and DELETE … USING on the three
 * dialects side by side; build-time refusals; and the type check of INSERT … SELECT rows.
 * Each statement also runs on the real databases in test/suite/writes.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Column from "../src/Column.js"
import * as Expr from "../src/Expr.js"
import * as Fn from "../src/Fn.js"
import * as Query from "../src/Query.js"
import * as Table from "../src/Table.js"
import { equalTypes, isFunctionType } from "./harness/typeAssert.js"

class Account extends Table.Class<Account>("Account")("accounts", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  balance: Column.integer(),
  parentId: Column.integer({ nullable: true, name: "parent_id" })
}) {}
class Payment extends Table.Class<Payment>("Payment")("payments", {
  id: Column.integer({ primaryKey: true }),
  accountId: Column.integer({ name: "account_id" }),
  amount: Column.integer()
}) {}
class Archive extends Table.Class<Archive>("Archive")("archive", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40, unique: true }),
  total: Column.integer({ default: 0 })
}) {}
const rich = Query.with("rich", Query.select({ id: Account.c.id }).where(Account.c.balance.gt(100)))
const parent = Table.alias(Account, "parent")
const paid = Query.select({ account: Payment.c.accountId, total: Fn.sum(Payment.c.amount) }).groupBy(Payment.c.accountId).as("paid")
const chain = Query.withRecursive("chain", Query.select({ id: Account.c.id }).where(Account.c.id.eq(1)),
  (self) => Query.select({ id: Account.c.id }).from(Account).join(self, Account.c.parentId.eq(self.c.id)))
const updateInCte = Query.update(Account).set({ balance: 0 }).where(Account.c.id.in(Query.select({ id: rich.c.id }).from(rich)), Account.c.name.ne("x"))
const deleteExistsCte = Query.delete(Account).where(Expr.exists(Query.select({ id: rich.c.id }).from(rich).where(rich.c.id.eq(Account.c.id)))).returning({ id: Account.c.id })
const updateRecursive = Query.update(Account).set({ name: "team" }).where(Account.c.id.in(Query.select({ id: chain.c.id }).from(chain)))
const insertSelect = Query.insert(Archive).fromSelect(Query.select({ name: Account.c.name, total: Account.c.balance }).where(Account.c.balance.gt(5)))
const insertSelectCte = Query.insert(Archive).fromSelect(Query.select({ n: rich.c.id, b: Expr.literal(1) }).from(rich), [Archive.c.id, Archive.c.total]).returning(Archive)
const insertUpsert = Query.insert(Archive).fromSelect(Query.select({ name: Account.c.name, total: Account.c.balance })).onConflict({ target: [Archive.c.name], doUpdate: { total: Query.excluded(Archive.c.total) } })
const updateFrom = Query.update(Account).from(Payment).set({ balance: Account.c.balance.minus(Payment.c.amount) }).where(Payment.c.accountId.eq(Account.c.id), Payment.c.amount.lt(10)).returning({ id: Account.c.id })
const updateFromAliasSub = Query.update(Account).from(parent, paid).set({ balance: paid.c.total as never }).where(Account.c.parentId.eq(parent.c.id), paid.c.account.eq(parent.c.id), parent.c.name.eq("ann"))
const updateFromCte = Query.update(Account).from(rich).set({ name: "rich" }).where(rich.c.id.eq(Account.c.id), Account.c.balance.lt(1000))
const deleteUsing = Query.delete(Payment).using(Account).where(Account.c.id.eq(Payment.c.accountId), Account.c.name.eq("bob"))
const deleteUsingReturning = Query.delete(Payment).using(Account).where(Account.c.id.eq(Payment.c.accountId), Account.c.name.eq("bob")).returning(Payment)
const deleteUsingCte = Query.delete(Account).using(rich).where(rich.c.id.eq(Account.c.id), Account.c.name.ne("z"))

const dialects = ["sqlite", "postgresql", "mysql"] as const
type Expected = { readonly [D in (typeof dialects)[number]]: readonly [sql: string, params: ReadonlyArray<unknown>] }

const check = (query: Query.Compilable, expected: Expected) => {
  for (const dialect of dialects) {
    const [sql, params] = expected[dialect]
    assert.deepStrictEqual(query.toSql(dialect), { sql, params }, dialect)
  }
}

describe("writes: SQL per dialect", () => {
    it("UPDATE … WHERE IN (a select from a CTE): WITH first on SQLite and PostgreSQL, inside the subquery on MariaDB; parameters in text order", () => {
      check(updateInCte, {
        sqlite: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > ?)) UPDATE "accounts" SET "balance" = ? WHERE (("accounts"."id" IN (SELECT "rich"."id" AS "id" FROM "rich")) AND ("accounts"."name" <> ?))', [100, 0, "x"]],
        postgresql: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > $1)) UPDATE "accounts" SET "balance" = $2 WHERE (("accounts"."id" IN (SELECT "rich"."id" AS "id" FROM "rich")) AND ("accounts"."name" <> $3))', [100, 0, "x"]],
        mysql: ['UPDATE `accounts` SET `balance` = ? WHERE ((`accounts`.`id` IN (WITH `rich` (`id`) AS (SELECT `accounts`.`id` AS `id` FROM `accounts` WHERE (`accounts`.`balance` > ?)) SELECT `rich`.`id` AS `id` FROM `rich`)) AND (`accounts`.`name` <> ?))', [0, 100, "x"]]
      })
    })

    it("DELETE … WHERE EXISTS over a CTE, with RETURNING", () => {
      check(deleteExistsCte, {
        sqlite: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > ?)) DELETE FROM "accounts" WHERE (EXISTS (SELECT "rich"."id" AS "id" FROM "rich" WHERE ("rich"."id" = "accounts"."id"))) RETURNING "id" AS "id"', [100]],
        postgresql: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > $1)) DELETE FROM "accounts" WHERE (EXISTS (SELECT "rich"."id" AS "id" FROM "rich" WHERE ("rich"."id" = "accounts"."id"))) RETURNING "id" AS "id"', [100]],
        mysql: ['DELETE FROM `accounts` WHERE (EXISTS (WITH `rich` (`id`) AS (SELECT `accounts`.`id` AS `id` FROM `accounts` WHERE (`accounts`.`balance` > ?)) SELECT `rich`.`id` AS `id` FROM `rich` WHERE (`rich`.`id` = `accounts`.`id`))) RETURNING `id` AS `id`', [100]]
      })
    })

    it("a recursive CTE in an UPDATE's subquery", () => {
      check(updateRecursive, {
        sqlite: ['WITH RECURSIVE "chain" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."id" = ?) UNION ALL SELECT "accounts"."id" AS "id" FROM "accounts" JOIN "chain" ON ("accounts"."parent_id" = "chain"."id")) UPDATE "accounts" SET "name" = ? WHERE ("accounts"."id" IN (SELECT "chain"."id" AS "id" FROM "chain"))', [1, "team"]],
        postgresql: ['WITH RECURSIVE "chain" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."id" = $1) UNION ALL SELECT "accounts"."id" AS "id" FROM "accounts" JOIN "chain" ON ("accounts"."parent_id" = "chain"."id")) UPDATE "accounts" SET "name" = $2 WHERE ("accounts"."id" IN (SELECT "chain"."id" AS "id" FROM "chain"))', [1, "team"]],
        mysql: ['UPDATE `accounts` SET `name` = ? WHERE (`accounts`.`id` IN (WITH RECURSIVE `chain` (`id`) AS (SELECT `accounts`.`id` AS `id` FROM `accounts` WHERE (`accounts`.`id` = ?) UNION ALL SELECT `accounts`.`id` AS `id` FROM `accounts` JOIN `chain` ON (`accounts`.`parent_id` = `chain`.`id`)) SELECT `chain`.`id` AS `id` FROM `chain`))', ["team", 1]]
      })
    })

    it("INSERT … SELECT: selected names are the columns", () => {
      check(insertSelect, {
        sqlite: ['INSERT INTO "archive" ("name", "total") SELECT "accounts"."name" AS "name", "accounts"."balance" AS "total" FROM "accounts" WHERE ("accounts"."balance" > ?)', [5]],
        postgresql: ['INSERT INTO "archive" ("name", "total") SELECT "accounts"."name" AS "name", "accounts"."balance" AS "total" FROM "accounts" WHERE ("accounts"."balance" > $1)', [5]],
        mysql: ['INSERT INTO `archive` (`name`, `total`) SELECT `accounts`.`name` AS `name`, `accounts`.`balance` AS `total` FROM `accounts` WHERE (`accounts`.`balance` > ?)', [5]]
      })
    })

    it("INSERT … SELECT from a CTE into named columns, RETURNING the model (MariaDB: WITH after the column list)", () => {
      check(insertSelectCte, {
        sqlite: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > ?)) INSERT INTO "archive" ("id", "total") SELECT "rich"."id" AS "n", ? AS "b" FROM "rich" RETURNING "id" AS "id", "name" AS "name", "total" AS "total"', [100, 1]],
        postgresql: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > $1)) INSERT INTO "archive" ("id", "total") SELECT "rich"."id" AS "n", CAST($2 AS INTEGER) AS "b" FROM "rich" RETURNING "id" AS "id", "name" AS "name", "total" AS "total"', [100, 1]],
        mysql: ['INSERT INTO `archive` (`id`, `total`) WITH `rich` (`id`) AS (SELECT `accounts`.`id` AS `id` FROM `accounts` WHERE (`accounts`.`balance` > ?)) SELECT `rich`.`id` AS `n`, ? AS `b` FROM `rich` RETURNING `id` AS `id`, `name` AS `name`, `total` AS `total`', [100, 1]]
      })
    })

    it("INSERT … SELECT with an upsert: SQLite ends the SELECT with a WHERE, MariaDB qualifies the assigned column", () => {
      check(insertUpsert, {
        sqlite: ['INSERT INTO "archive" ("name", "total") SELECT * FROM (SELECT "accounts"."name" AS "name", "accounts"."balance" AS "total" FROM "accounts") WHERE true ON CONFLICT ("name") DO UPDATE SET "total" = excluded."total"', []],
        postgresql: ['INSERT INTO "archive" ("name", "total") SELECT "accounts"."name" AS "name", "accounts"."balance" AS "total" FROM "accounts" ON CONFLICT ("name") DO UPDATE SET "total" = EXCLUDED."total"', []],
        mysql: ['INSERT INTO `archive` (`name`, `total`) SELECT `accounts`.`name` AS `name`, `accounts`.`balance` AS `total` FROM `accounts` ON DUPLICATE KEY UPDATE `archive`.`total` = VALUES(`total`)', []]
      })
    })

    it("UPDATE … FROM a model, SET from its columns, RETURNING qualified (MariaDB: multi-table UPDATE, SET qualified)", () => {
      check(updateFrom, {
        sqlite: ['UPDATE "accounts" SET "balance" = ("accounts"."balance" - "payments"."amount") FROM "payments" WHERE (("payments"."account_id" = "accounts"."id") AND ("payments"."amount" < ?)) RETURNING "accounts"."id" AS "id"', [10]],
        postgresql: ['UPDATE "accounts" SET "balance" = ("accounts"."balance" - "payments"."amount") FROM "payments" WHERE (("payments"."account_id" = "accounts"."id") AND ("payments"."amount" < $1)) RETURNING "accounts"."id" AS "id"', [10]],
        mysql: ['UPDATE `accounts`, `payments` SET `accounts`.`balance` = (`accounts`.`balance` - `payments`.`amount`) WHERE ((`payments`.`account_id` = `accounts`.`id`) AND (`payments`.`amount` < ?)) RETURNING `accounts`.`id` AS `id`', [10]]
      })
    })

    it("UPDATE … FROM an alias and a subquery", () => {
      check(updateFromAliasSub, {
        sqlite: ['UPDATE "accounts" SET "balance" = "paid"."total" FROM "accounts" AS "parent", (SELECT "payments"."account_id" AS "account", SUM("payments"."amount") AS "total" FROM "payments" GROUP BY "payments"."account_id") AS "paid" WHERE ((("accounts"."parent_id" = "parent"."id") AND ("paid"."account" = "parent"."id")) AND ("parent"."name" = ?))', ["ann"]],
        postgresql: ['UPDATE "accounts" SET "balance" = "paid"."total" FROM "accounts" AS "parent", (SELECT "payments"."account_id" AS "account", SUM("payments"."amount") AS "total" FROM "payments" GROUP BY "payments"."account_id") AS "paid" WHERE ((("accounts"."parent_id" = "parent"."id") AND ("paid"."account" = "parent"."id")) AND ("parent"."name" = $1))', ["ann"]],
        mysql: ['UPDATE `accounts`, `accounts` AS `parent`, (SELECT `payments`.`account_id` AS `account`, SUM(`payments`.`amount`) AS `total` FROM `payments` GROUP BY `payments`.`account_id`) AS `paid` SET `accounts`.`balance` = `paid`.`total` WHERE (((`accounts`.`parent_id` = `parent`.`id`) AND (`paid`.`account` = `parent`.`id`)) AND (`parent`.`name` = ?))', ["ann"]]
      })
    })

    it("UPDATE … FROM a CTE (MariaDB: a derived table with its own WITH)", () => {
      check(updateFromCte, {
        sqlite: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > ?)) UPDATE "accounts" SET "name" = ? FROM "rich" WHERE (("rich"."id" = "accounts"."id") AND ("accounts"."balance" < ?))', [100, "rich", 1000]],
        postgresql: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > $1)) UPDATE "accounts" SET "name" = $2 FROM "rich" WHERE (("rich"."id" = "accounts"."id") AND ("accounts"."balance" < $3))', [100, "rich", 1000]],
        mysql: ['UPDATE `accounts`, (WITH `rich` (`id`) AS (SELECT `accounts`.`id` AS `id` FROM `accounts` WHERE (`accounts`.`balance` > ?)) SELECT `rich`.`id` AS `id` FROM `rich`) AS `rich` SET `accounts`.`name` = ? WHERE ((`rich`.`id` = `accounts`.`id`) AND (`accounts`.`balance` < ?))', [100, "rich", 1000]]
      })
    })

    it("DELETE … USING (SQLite: correlated EXISTS; MariaDB: multi-table DELETE)", () => {
      check(deleteUsing, {
        sqlite: ['DELETE FROM "payments" WHERE EXISTS (SELECT 1 FROM "accounts" WHERE (("accounts"."id" = "payments"."account_id") AND ("accounts"."name" = ?)))', ["bob"]],
        postgresql: ['DELETE FROM "payments" USING "accounts" WHERE (("accounts"."id" = "payments"."account_id") AND ("accounts"."name" = $1))', ["bob"]],
        mysql: ['DELETE `payments` FROM `payments`, `accounts` WHERE ((`accounts`.`id` = `payments`.`account_id`) AND (`accounts`.`name` = ?))', ["bob"]]
      })
    })

    it("DELETE … USING with RETURNING (MariaDB: the correlated EXISTS form, which takes RETURNING)", () => {
      check(deleteUsingReturning, {
        sqlite: ['DELETE FROM "payments" WHERE EXISTS (SELECT 1 FROM "accounts" WHERE (("accounts"."id" = "payments"."account_id") AND ("accounts"."name" = ?))) RETURNING "payments"."id" AS "id", "payments"."account_id" AS "account_id", "payments"."amount" AS "amount"', ["bob"]],
        postgresql: ['DELETE FROM "payments" USING "accounts" WHERE (("accounts"."id" = "payments"."account_id") AND ("accounts"."name" = $1)) RETURNING "payments"."id" AS "id", "payments"."account_id" AS "account_id", "payments"."amount" AS "amount"', ["bob"]],
        mysql: ['DELETE FROM `payments` WHERE EXISTS (SELECT 1 FROM `accounts` WHERE ((`accounts`.`id` = `payments`.`account_id`) AND (`accounts`.`name` = ?))) RETURNING `payments`.`id` AS `id`, `payments`.`account_id` AS `account_id`, `payments`.`amount` AS `amount`', ["bob"]]
      })
    })

    it("DELETE … USING a CTE", () => {
      check(deleteUsingCte, {
        sqlite: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > ?)) DELETE FROM "accounts" WHERE EXISTS (SELECT 1 FROM "rich" WHERE (("rich"."id" = "accounts"."id") AND ("accounts"."name" <> ?)))', [100, "z"]],
        postgresql: ['WITH "rich" ("id") AS (SELECT "accounts"."id" AS "id" FROM "accounts" WHERE ("accounts"."balance" > $1)) DELETE FROM "accounts" USING "rich" WHERE (("rich"."id" = "accounts"."id") AND ("accounts"."name" <> $2))', [100, "z"]],
        mysql: ['DELETE `accounts` FROM `accounts`, (WITH `rich` (`id`) AS (SELECT `accounts`.`id` AS `id` FROM `accounts` WHERE (`accounts`.`balance` > ?)) SELECT `rich`.`id` AS `id` FROM `rich`) AS `rich` WHERE ((`rich`.`id` = `accounts`.`id`) AND (`accounts`.`name` <> ?))', [100, "z"]]
      })
    })
})

describe("writes: build-time refusals", () => {
  it("INSERT … SELECT of a name that is not a column of the model throws a TypeError naming it", () => {
    assert.throws(() => Query.insert(Archive).fromSelect(Query.select({ label: Account.c.name, total: Account.c.balance }) as never), TypeError, /"label" is not a column of Archive/)
  })

  it("INSERT … SELECT: a column of another model, too many or too few columns, a column filled twice", () => {
    const two = Query.select({ a: Account.c.name, b: Account.c.balance })
    assert.throws(() => Query.insert(Archive).fromSelect(two, [Archive.c.name, Account.c.balance as never]), TypeError, /accounts\.balance is not a column of Archive/)
    assert.throws(() => Query.insert(Archive).fromSelect(two, [Archive.c.name]), TypeError, /1 columns named, the query selects 2/)
    assert.throws(() => Query.insert(Archive).fromSelect(two, [Archive.c.name, Archive.c.name]), TypeError, /"name" is filled twice/)
  })

  it("INSERT … SELECT that leaves out a column with a client-side default throws: the default cannot be applied", () => {
    assert.throws(() => Query.insert(Archive).fromSelect(Query.select({ name: Account.c.name })), TypeError, /"total" has a client-side default/)
  })

  it("a selected column name (not only a field key) matches: select(Model) selects database names", () => {
    class Copy extends Table.Class<Copy>("Copy")("accounts_copy", {
      id: Column.integer({ primaryKey: true }),
      name: Column.string({ length: 40 }),
      balance: Column.integer(),
      parentId: Column.integer({ nullable: true, name: "parent_id" })
    }) {}
    assert.strictEqual(
      Query.insert(Copy).fromSelect(Query.select(Account)).toSql("postgresql").sql,
      'INSERT INTO "accounts_copy" ("id", "name", "balance", "parent_id") SELECT "accounts"."id" AS "id", "accounts"."name" AS "name", "accounts"."balance" AS "balance", "accounts"."parent_id" AS "parent_id" FROM "accounts"'
    )
  })
})

describe("writes: types", () => {
  it("fromSelect checks the row against the insert type; returning gives rows", () => {
    const ok = Query.insert(Archive).fromSelect(Query.select({ name: Account.c.name, total: Account.c.balance }))
    equalTypes<typeof ok, Query.Insert<typeof Archive>>()
    const returned = Query.insert(Archive).fromSelect(Query.select({ name: Account.c.name, total: Account.c.balance })).returning(Archive)
    equalTypes<typeof returned, Query.Insert<typeof Archive, ReadonlyArray<Archive>>>()
    // Type errors only: the statements are not built.
    const notBuilt = () => {
      // @ts-expect-error a field Archive does not have
      Query.insert(Archive).fromSelect(Query.select({ label: Account.c.name, total: Account.c.balance }))
      // @ts-expect-error a field of the wrong type
      Query.insert(Archive).fromSelect(Query.select({ name: Account.c.balance, total: Account.c.balance }))
      // @ts-expect-error name is required and missing
      Query.insert(Archive).fromSelect(Query.select({ total: Account.c.balance }))
      // @ts-expect-error a nullable value for a column that is not
      Query.insert(Archive).fromSelect(Query.select({ name: Account.c.name, total: Account.c.parentId }))
      // With columns, the names do not matter; the columns must be the model's.
      Query.insert(Archive).fromSelect(Query.select({ a: Account.c.name, b: Account.c.balance }), [Archive.c.name, Archive.c.total])
      // @ts-expect-error a column of another model
      Query.insert(Archive).fromSelect(Query.select({ a: Account.c.name }), [Account.c.name])
    }
    isFunctionType<typeof notBuilt>()
  })

  it("from / using keep the result type; SET values may use the other source's columns", () => {
    const update = Query.update(Account).from(Payment).set({ balance: Payment.c.amount })
    equalTypes<typeof update, Query.Update<typeof Account>>()
    const del = Query.delete(Payment).using(Account).returning({ id: Payment.c.id })
    equalTypes<typeof del, Query.Delete<typeof Payment, ReadonlyArray<{ readonly id: number }>>>()
  })
})
