/**
 * Mutually dependent rows (issue 12, part 4): rows added in one flush whose foreign keys
 * form a cycle are written by inserting one side with the key NULL and updating it after
 * (SQLAlchemy's post_update), on every database; deleted by clearing that key first. A
 * cycle with no nullable foreign key fails with `CircularDependencyError`, naming it.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { captureLogs } from "../harness/capture.js"
import { engineFor } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

// A team has a captain, a player a team: the captain is optional, so the cycle can be broken there.
class Team extends Table.Class<Team>("Team")("cy_teams", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  captainId: Column.integer({ nullable: true, name: "captain_id", references: (): Column.AnyRef => Player.c.id })
}) {}

class Player extends Table.Class<Player>("Player")("cy_players", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  teamId: Column.integer({ name: "team_id", references: (): Column.AnyRef => Team.c.id })
}) {}

// Three tables in a ring, nullable only in the middle: A → B (required), B → C (optional), C → A (required).
class RingA extends Table.Class<RingA>("RingA")("cy_ring_a", {
  id: Column.integer({ primaryKey: true }),
  bId: Column.integer({ name: "b_id", references: (): Column.AnyRef => RingB.c.id })
}) {}

class RingB extends Table.Class<RingB>("RingB")("cy_ring_b", {
  id: Column.integer({ primaryKey: true }),
  cId: Column.integer({ nullable: true, name: "c_id", references: (): Column.AnyRef => RingC.c.id })
}) {}

class RingC extends Table.Class<RingC>("RingC")("cy_ring_c", {
  id: Column.integer({ primaryKey: true }),
  aId: Column.integer({ name: "a_id", references: (): Column.AnyRef => RingA.c.id })
}) {}

// Partners reference each other within one table.
class Person extends Table.Class<Person>("Person")("cy_people", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  partnerId: Column.integer({ nullable: true, name: "partner_id", references: (): Column.AnyRef => Person.c.id })
}) {}

// No side is optional: such rows cannot be written one statement at a time.
class Egg extends Table.Class<Egg>("Egg")("cy_eggs", {
  id: Column.integer({ primaryKey: true }),
  chickenId: Column.integer({ name: "chicken_id", references: (): Column.AnyRef => Chicken.c.id })
}) {}

class Chicken extends Table.Class<Chicken>("Chicken")("cy_chickens", {
  id: Column.integer({ primaryKey: true }),
  eggId: Column.integer({ name: "egg_id", references: (): Column.AnyRef => Egg.c.id })
}) {}

const metadata = MetaData.make(Team, Player, RingA, RingB, RingC, Person, Egg, Chicken)

const fresh = Effect.zipRight(metadata.dropAll, metadata.createAll)
const withSession = <A, E, R>(f: (session: Session.Session) => Effect.Effect<A, E, R>) => Effect.scoped(Effect.flatMap(Session.make, f))

export const suite: Suite = (layer, target) => {
  // The statement-order test reads the echo of an engine of its own (SQLite: a file both can open).
  const echoUrl = target.dialect === "sqlite" ? target.sharedUrl : target.url

  testLayer(layer, { excludeTestServices: true })("Mutually dependent rows", (it) => {
    it.effect("two rows that reference each other: one is inserted with the key NULL, then updated", () =>
      Effect.gen(function*() {
        const { entries, exit } = yield* captureLogs(
          Effect.scoped(Effect.gen(function*() {
            const engine = yield* engineFor(echoUrl, { echo: true })
            yield* Effect.provideService(
              Effect.gen(function*() {
                yield* fresh
                yield* withSession((s) =>
                  Effect.gen(function*() {
                    yield* s.add(Player, { id: 10, name: "Captain", teamId: 1 })
                    yield* s.add(Team, { id: 1, name: "Reds", captainId: 10 })
                    yield* s.flush
                    // The session's instance has the key the UPDATE wrote.
                    assert.strictEqual(Option.getOrThrow(yield* s.get(Team, 1)).captainId, 10)
                    yield* s.commit
                  })
                )
                const [team] = yield* Query.execute(Query.select(Team))
                assert.deepStrictEqual([team!.name, team!.captainId], ["Reds", 10])
                const [player] = yield* Query.execute(Query.select(Player))
                assert.deepStrictEqual([player!.name, player!.teamId], ["Captain", 1])
                yield* metadata.dropAll
              }),
              Engine.Engine,
              engine
            )
          }))
        )
        assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? String(exit.cause) : "")
        const writes = entries.map((e) => e.message).filter((m) => /^(INSERT|UPDATE)/.test(m))
        assert.strictEqual(writes.length, 3, writes.join("\n"))
        assert.match(writes[0]!, /^INSERT INTO .cy_teams/)
        assert.match(writes[1]!, /^INSERT INTO .cy_players/)
        assert.match(writes[2]!, /^UPDATE .cy_teams.* SET .captain_id/)
      }))

    it.effect("in either order of adds, and with several pairs in one flush", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.add(Team, { id: 1, name: "Reds", captainId: 11 })
            yield* s.add(Player, { id: 11, name: "Red captain", teamId: 1 })
            yield* s.add(Player, { id: 12, name: "Blue captain", teamId: 2 })
            yield* s.add(Team, { id: 2, name: "Blues", captainId: 12 })
            yield* s.add(Player, { id: 13, name: "Blue player", teamId: 2 })
            yield* s.add(Team, { id: 3, name: "Captainless", captainId: null })
            yield* s.commit
          })
        )
        const teams = yield* Query.execute(Query.select(Team).orderBy(Team.c.id))
        assert.deepStrictEqual(teams.map((t) => [t.id, t.captainId]), [[1, 11], [2, 12], [3, null]])
        const players = yield* Query.execute(Query.select(Player).orderBy(Player.c.id))
        assert.deepStrictEqual(players.map((p) => [p.id, p.teamId]), [[11, 1], [12, 2], [13, 2]])
      }))

    it.effect("a ring of three tables is broken at its one nullable foreign key", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.add(RingA, { id: 1, bId: 1 })
            yield* s.add(RingC, { id: 1, aId: 1 })
            yield* s.add(RingB, { id: 1, cId: 1 })
            yield* s.commit
          })
        )
        const [b] = yield* Query.execute(Query.select(RingB))
        assert.strictEqual(b!.cId, 1)
        assert.strictEqual((yield* Query.execute(Query.select(RingA))).length, 1)
        assert.strictEqual((yield* Query.execute(Query.select(RingC))).length, 1)
      }))

    it.effect("rows of one table that reference each other", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.add(Person, { id: 1, name: "Ann", partnerId: 2 })
            yield* s.add(Person, { id: 2, name: "Bob", partnerId: 1 })
            yield* s.add(Person, { id: 3, name: "Cy", partnerId: 3 })
            yield* s.commit
          })
        )
        const people = yield* Query.execute(Query.select(Person).orderBy(Person.c.id))
        assert.deepStrictEqual(people.map((p) => [p.name, p.partnerId]), [["Ann", 2], ["Bob", 1], ["Cy", 3]])
      }))

    it.effect("mutually dependent rows are deleted in one flush: the nullable key is cleared first", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.add(Team, { id: 1, name: "Reds", captainId: 10 })
            yield* s.add(Player, { id: 10, name: "Captain", teamId: 1 })
            yield* s.add(Person, { id: 1, name: "Ann", partnerId: 2 })
            yield* s.add(Person, { id: 2, name: "Bob", partnerId: 1 })
            yield* s.add(Person, { id: 3, name: "Cy", partnerId: 3 })
            yield* s.commit
            // Loaded first: a read after a delete would flush that delete alone.
            const team = Option.getOrThrow(yield* s.get(Team, 1))
            const player = Option.getOrThrow(yield* s.get(Player, 10))
            const people = yield* s.query(Person).orderBy(Person.c.id).all
            yield* s.delete(team)
            yield* s.delete(player)
            for (const person of people) yield* s.delete(person)
            yield* s.commit
          })
        )
        assert.strictEqual((yield* Query.execute(Query.select(Team))).length, 0)
        assert.strictEqual((yield* Query.execute(Query.select(Player))).length, 0)
        assert.strictEqual((yield* Query.execute(Query.select(Person))).length, 0)
      }))

    it.effect("a cycle with no nullable foreign key fails with CircularDependencyError naming it; nothing is written", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* withSession((s) =>
          Effect.gen(function*() {
            yield* s.add(Egg, { id: 1, chickenId: 1 })
            yield* s.add(Chicken, { id: 1, eggId: 1 })
            const error = yield* Effect.flip(s.flush)
            assert.strictEqual(error._tag, "CircularDependencyError")
            if (error._tag !== "CircularDependencyError") return
            assert.sameMembers([...error.tables], ["cy_eggs", "cy_chickens"])
            assert.match(error.message, /cy_eggs\.chicken_id/)
            assert.match(error.message, /cy_chickens\.egg_id/)
            // The session stays usable.
            yield* s.add(Team, { id: 5, name: "After", captainId: null })
            yield* s.commit
          })
        )
        assert.strictEqual((yield* Query.execute(Query.select(Egg))).length, 0)
        assert.strictEqual((yield* Query.execute(Query.select(Chicken))).length, 0)
        assert.strictEqual((yield* Query.execute(Query.select(Team))).length, 1)
      }))

    it.effect("drop", () => metadata.dropAll)
  })
}
