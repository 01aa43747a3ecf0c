/**
 * The session's collaborators without a database: the unit of work of a transaction level
 * (what a level records, what it hands up on success, what it drops and evicts on
 * failure) and the commit order (parents first; in a cycle, the nullable keys left
 * pointing forward).
 */
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import * as Column from "../src/Column.js"
import * as CommitOrder from "../src/internal/session/CommitOrder.js"
import { IdentityMap, keyOf } from "../src/internal/session/IdentityMap.js"
import { prepareUpdate, UnitOfWork } from "../src/internal/session/UnitOfWork.js"
import * as Table from "../src/Table.js"

class Note extends Table.Class<Note>("Note")("u_notes", {
  id: Column.integer({ primaryKey: true }),
  body: Column.text({ nullable: true })
}) {}

const def = Table.definition(Note)
const note = (id: number, body: string | null = null) => new Note({ id, body })
const updated = (entity: Note, body: string) => Either.getOrThrow(prepareUpdate(entity, { body }))

describe("UnitOfWork", () => {
  it("a child that succeeds hands its pending changes up; an update of a row the parent updates merges", () => {
    const map = new IdentityMap()
    const root = new UnitOfWork(map, undefined)
    const parent = root.child()
    const one = parent.identity.merge(def, note(1))
    parent.update(updated(one, "parent"))
    const child = parent.child()
    child.add({ model: Note, def, values: { id: 2, body: "child" }, children: [] })
    child.update(updated(map.get(def, { id: 1 }) as Note, "child"))
    child.commit()
    assert.strictEqual(parent.changes.inserts.length, 1)
    const update = parent.changes.updates.get(keyOf(def, { id: 1 }))!
    assert.deepStrictEqual(update.changes, { body: "child" })
    assert.strictEqual(update.original as object, one)
    // Once committed, the child records where its work went.
    assert.strictEqual(child.recorder, parent)
  })

  it("a child that fails drops its changes and evicts what it loaded or changed, not the parent's instances", () => {
    const map = new IdentityMap()
    const parent = new UnitOfWork(map, undefined).child()
    const kept = parent.identity.merge(def, note(1))
    const changed = parent.identity.merge(def, note(2))
    const child = parent.child()
    child.identity.merge(def, note(3))
    child.update(updated(changed, "child"))
    child.delete(Note, def, kept)
    assert.isTrue(child.hides(keyOf(def, { id: 1 })))
    assert.isFalse(parent.hides(keyOf(def, { id: 1 })))
    child.discard()
    assert.isTrue(child.changes.isEmpty)
    assert.isUndefined(map.get(def, { id: 1 }), "deleted in the child: evicted")
    assert.isUndefined(map.get(def, { id: 2 }), "changed in the child: evicted")
    assert.isUndefined(map.get(def, { id: 3 }), "loaded in the child: evicted")
    // A fiber that outlives the failed block records nowhere.
    child.add({ model: Note, def, values: { id: 4, body: null }, children: [] })
    assert.isTrue(child.changes.isEmpty)
    assert.isTrue(parent.changes.isEmpty)
  })

  it("a child's delete of a row its parent updates wins when handed up, and deletes the row as the parent last read it", () => {
    const map = new IdentityMap()
    const parent = new UnitOfWork(map, undefined).child()
    const one = parent.identity.merge(def, note(1))
    parent.update(updated(one, "parent"))
    const child = parent.child()
    child.delete(Note, def, map.get(def, { id: 1 }) as Note)
    child.commit()
    assert.strictEqual(parent.changes.updates.size, 0)
    assert.strictEqual(parent.changes.deletes.get(keyOf(def, { id: 1 }))!.entity as object, one)
  })
})

class Team extends Table.Class<Team>("Team")("u_teams", {
  id: Column.integer({ primaryKey: true }),
  captainId: Column.integer({ nullable: true, references: (): Column.AnyRef => Player.c.id })
}) {}

class Player extends Table.Class<Player>("Player")("u_players", {
  id: Column.integer({ primaryKey: true }),
  teamId: Column.integer({ references: (): Column.AnyRef => Team.c.id })
}) {}

class League extends Table.Class<League>("League")("u_leagues", {
  id: Column.integer({ primaryKey: true })
}) {}

class Egg extends Table.Class<Egg>("Egg")("u_eggs", {
  id: Column.integer({ primaryKey: true }),
  chickenId: Column.integer({ references: (): Column.AnyRef => Chicken.c.id })
}) {}

class Chicken extends Table.Class<Chicken>("Chicken")("u_chickens", {
  id: Column.integer({ primaryKey: true }),
  eggId: Column.integer({ references: (): Column.AnyRef => Egg.c.id })
}) {}

const names = (tables: ReadonlyArray<{ readonly tableName: string }>) => tables.map((t) => t.tableName)

describe("CommitOrder", () => {
  it("in a cycle, the required keys point back and the nullable one forward, whatever the given order", () => {
    const [team, player, league] = [Table.definition(Team), Table.definition(Player), Table.definition(League)]
    assert.deepStrictEqual(names(CommitOrder.sort([player, league, team])), ["u_teams", "u_players", "u_leagues"])
    assert.deepStrictEqual(names(CommitOrder.sort([league, team, player])), ["u_leagues", "u_teams", "u_players"])
    assert.deepStrictEqual(CommitOrder.requiredCycle(team, [team, player]).map((fk) => fk.column.name), ["teamId"])
  })

  it("a cycle of required keys keeps the given order, and its required keys are what an error names", () => {
    const [egg, chicken] = [Table.definition(Egg), Table.definition(Chicken)]
    assert.deepStrictEqual(names(CommitOrder.sort([egg, chicken])).sort(), ["u_chickens", "u_eggs"])
    assert.sameMembers(CommitOrder.requiredCycle(egg, [egg, chicken]).map((fk) => `${fk.table.tableName}.${fk.column.name}`), [
      "u_eggs.chickenId",
      "u_chickens.eggId"
    ])
  })
})

class Tagged extends Table.Class<Tagged>("Tagged")("u_tagged", {
  code: Column.string({ length: 20, primaryKey: true }),
  body: Column.text({ nullable: true })
}) {}

describe("IdentityMap", () => {
  // Past 2,048 rows a table's ids are sharded over several Maps (large Maps are slow to build).
  it("keeps one instance per key across the switch to shards, for number and string keys", () => {
    const map = new IdentityMap()
    const n = 5000
    const rows: Array<object> = Array.from({ length: n }, (_, i) => note(i * 256)) // strided ids
    map.mergeAll(def, rows)
    const again: Array<object> = Array.from({ length: n }, (_, i) => note(i * 256, "other"))
    map.mergeAll(def, again)
    for (let i = 0; i < n; i++) assert.strictEqual(again[i], rows[i])
    assert.strictEqual(map.get(def, { id: 256 * 4000 }), rows[4000])
    assert.strictEqual(map.get(def, { id: -0 }), rows[0])
    map.remove(def, { id: 256 * 10 })
    assert.isUndefined(map.get(def, { id: 2560 }))
    const fresh = note(2560, "fresh")
    assert.strictEqual(map.merge(def, fresh), fresh)
    const replaced = note(512, "replaced")
    map.replace(def, replaced)
    assert.strictEqual(map.get(def, { id: 512 }), replaced)
    const tagged = Array.from({ length: n }, (_, i) => new Tagged({ code: `code-${i}`, body: null }))
    const tdef = Table.definition(Tagged)
    map.mergeAll(tdef, [...tagged])
    for (let i = 0; i < n; i += 97) assert.strictEqual(map.get(tdef, { code: `code-${i}` }), tagged[i])
    map.evict(new Map([[keyOf(tdef, { code: "code-7" }), { table: "u_tagged", id: "code-7" }]]))
    assert.isUndefined(map.get(tdef, { code: "code-7" }))
    assert.strictEqual(map.get(tdef, { code: "code-8" }), tagged[8])
    map.clear()
    assert.isUndefined(map.get(def, { id: 0 }))
  })

  // Serial ids live in an array, every other id in a Map: both kinds side by side in one table.
  it("keeps ids that index an array and ids that cannot apart, each with its own instance", () => {
    const map = new IdentityMap()
    const ids = [0, 1, 7, 1_000_000, 0x3fffffff, 0x40000000, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, -1, -(2 ** 40)]
    const rows = ids.map((id) => note(id, `n${id}`))
    for (const row of rows) assert.strictEqual(map.merge(def, row), row)
    ids.forEach((id, i) => {
      assert.strictEqual(map.get(def, { id }), rows[i], `id ${id}`)
      assert.strictEqual(map.merge(def, note(id, "again")), rows[i], `id ${id} merged again`)
    })
    assert.strictEqual(map.get(def, { id: -0 }), rows[0])
    assert.isUndefined(map.get(def, { id: 2 }))
    for (const id of [1, 0x40000000, -1]) {
      map.remove(def, { id })
      assert.isUndefined(map.get(def, { id }), `id ${id} removed`)
    }
    assert.strictEqual(map.get(def, { id: 7 }), rows[2])
    assert.strictEqual(map.get(def, { id: 2 ** 32 }), rows[7])
    const back = note(1, "back")
    assert.strictEqual(map.merge(def, back), back)
  })

  // A table's first row has fields of its own, rows merged one by one go to a Map and a
  // result set's to an array: one instance per id whichever way each came in.
  it("keeps one instance per id across the first row, rows merged one by one and a result set", () => {
    const map = new IdentityMap()
    const first = note(7919)
    assert.strictEqual(map.merge(def, first), first)
    const single = [3, 5000, 2, 9999].map((id) => note(id, "single"))
    for (const row of single) assert.strictEqual(map.merge(def, row), row)
    const set: Array<object> = [7919, 3, 42, 5000, 43].map((id) => note(id, "set"))
    map.mergeAll(def, set)
    assert.deepStrictEqual(set, [first, single[0], set[2], single[1], set[4]])
    // Now that the array exists, a row merged alone goes there; the Map's keep their instance.
    const later = note(44, "later")
    assert.strictEqual(map.merge(def, later), later)
    assert.strictEqual(map.merge(def, note(2, "again")), single[2])
    assert.strictEqual(map.get(def, { id: 44 }), later)
    map.remove(def, { id: 7919 })
    map.remove(def, { id: 5000 })
    map.remove(def, { id: 42 })
    for (const id of [7919, 5000, 42]) assert.isUndefined(map.get(def, { id }), `id ${id} removed`)
    const back = note(7919, "back")
    assert.strictEqual(map.merge(def, back), back)
    assert.strictEqual(map.merge(def, note(7919, "again")), back)
    const replaced = note(3, "replaced")
    map.replace(def, replaced)
    assert.strictEqual(map.get(def, { id: 3 }), replaced)
    map.evict(new Map([[keyOf(def, { id: 3 }), { table: def.tableName, id: 3 }]]))
    assert.isUndefined(map.get(def, { id: 3 }))
    assert.strictEqual(map.get(def, { id: 9999 }), single[3])
  })

  // Past 2,048 rows merged one by one the Map is sharded; a result set then moves the serial ids out.
  it("moves serial ids merged one by one out of sharded Maps when a result set makes the array", () => {
    const map = new IdentityMap()
    const single = Array.from({ length: 3000 }, (_, i) => note(i * 3 + 1, "single"))
    for (const row of single) assert.strictEqual(map.merge(def, row), row)
    const set: Array<object> = Array.from({ length: 3000 }, (_, i) => note(i * 2 + 1, "set"))
    map.mergeAll(def, set)
    for (let i = 0; i < 3000; i++) {
      const id = i * 2 + 1
      assert.strictEqual(set[i], (id - 1) % 3 === 0 ? single[(id - 1) / 3] : map.get(def, { id }), `id ${id}`)
    }
    for (let i = 0; i < 3000; i += 101) assert.strictEqual(map.get(def, { id: i * 3 + 1 }), single[i])
    map.remove(def, { id: 4 })
    assert.isUndefined(map.get(def, { id: 4 }))
    assert.strictEqual(map.merge(def, note(7, "again")), single[2])
  })
})
