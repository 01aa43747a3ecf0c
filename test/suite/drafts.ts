/**
 * Drafts of every kind on a real database: a many-to-one draft is inserted before the new
 * row and its generated key fills the row's foreign key (composite keys too), the
 * relation then loads from the identity map without a query; many-to-many drafts insert
 * both rows, then the association rows (existing instances are linked as they are);
 * hooks fire for drafted rows in flush order; a failing insert rolls every row of the
 * flush back; bad drafts fail `add` with `EncodeError`. Statement counts come from the
 * engine's echo.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Exit, Layer, Option } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import type { EncodeError } from "../../src/Errors.js"
import * as Events from "../../src/Events.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Relation from "../../src/Relation.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { captureLogs } from "../harness/capture.js"
import { engineFor, failure } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

class DAuthor extends Table.Class<DAuthor>("DAuthor")("d_authors", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 20, unique: true })
}) {}

class DPost extends Table.Class<DPost>("DPost")("d_posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => DAuthor.c.id }),
  title: Column.string({ length: 40, unique: true })
}) {}

class DTag extends Table.Class<DTag>("DTag")("d_tags", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 20 })
}) {}

class DPostTag extends Table.Class<DPostTag>("DPostTag")("d_post_tags", {
  postId: Column.integer({ name: "post_id", references: () => DPost.c.id }),
  tagId: Column.integer({ name: "tag_id", references: () => DTag.c.id })
}, { primaryKey: ["postId", "tagId"] }) {}

class DComment extends Table.Class<DComment>("DComment")("d_comments", {
  id: Column.integer({ primaryKey: true }),
  postId: Column.integer({ name: "post_id", references: () => DPost.c.id }),
  body: Column.text()
}) {}

/** A composite primary key, pointed at by a composite foreign key that only the relation declares. */
class DLine extends Table.Class<DLine>("DLine")("d_lines", {
  orderId: Column.integer({ name: "order_id" }),
  lineNo: Column.integer({ name: "line_no" }),
  product: Column.string({ length: 20 })
}, { primaryKey: ["orderId", "lineNo"] }) {}

class DShipment extends Table.Class<DShipment>("DShipment")("d_shipments", {
  id: Column.integer({ primaryKey: true }),
  orderId: Column.integer({ name: "order_id" }),
  lineNo: Column.integer({ name: "line_no" }),
  qty: Column.integer()
}) {}

class DPerson extends Table.Class<DPerson>("DPerson")("d_people", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 20 }),
  managerId: Column.integer({ name: "manager_id", nullable: true, references: (): Column.AnyRef => DPerson.c.id })
}) {}

class DBadge extends Table.Class<DBadge>("DBadge")("d_badges", {
  id: Column.integer({ primaryKey: true }),
  personId: Column.integer({ name: "person_id", unique: true, references: () => DPerson.c.id })
}) {}

const Manager = Relation.manyToOne(DPerson, DPerson, { foreignKey: DPerson.c.managerId })
const BadgePerson = Relation.oneToOne(DBadge, DPerson, { foreignKey: DBadge.c.personId })
const PostAuthor = Relation.manyToOne(DPost, DAuthor, { foreignKey: DPost.c.authorId })
const AuthorPosts = Relation.oneToMany(DAuthor, DPost, { foreignKey: DPost.c.authorId })
const PostTags = Relation.manyToMany(DPost, DTag, { through: DPostTag, source: DPostTag.c.postId, target: DPostTag.c.tagId, orderBy: [DTag.c.name] })
const PostComments = Relation.oneToMany(DPost, DComment, { foreignKey: DComment.c.postId })
const ShipmentLine = Relation.manyToOne(DShipment, DLine, { foreignKey: [DShipment.c.orderId, DShipment.c.lineNo] })

const metadata = MetaData.make(DAuthor, DPost, DTag, DPostTag, DComment, DLine, DShipment, DPerson, DBadge)

const mark = Effect.log("~mark")

export const suite: Suite = (layer, target) => {
  const echoUrl = target.dialect === "sqlite" ? target.sharedUrl : target.url
  /**
   * Runs `body` in a session over an echoing engine, on a fresh schema: its exit, and per
   * `mark` the statements after it, by first keyword.
   */
  const run = <A, E>(body: (s: Session.Session) => Effect.Effect<A, E, Engine.Engine | Session.Session>, events: Layer.Layer<Events.Events> = Layer.empty as never) =>
    Effect.gen(function*() {
      const program = Effect.zipRight(
        Effect.zipRight(Effect.zipRight(metadata.dropAll, metadata.createAll), mark),
        Effect.provide(Session.use((s) => Effect.provideService(body(s), Session.Session, s)), events)
      )
      const { entries, exit } = yield* captureLogs(
        Effect.scoped(Effect.flatMap(engineFor(echoUrl, { echo: true }), (engine) => Effect.provideService(program, Engine.Engine, engine)))
      )
      const statements: Array<Array<string>> = []
      for (const e of entries) {
        if (e.message === "~mark") statements.push([])
        else if (statements.length > 0 && /^[A-Z]/.test(e.message) && !e.message.startsWith("SELECT setval")) {
          statements[statements.length - 1]!.push(e.message.split(/\s/)[0]!)
        }
      }
      return { exit, statements }
    })
  const ok = <A, E>(exit: Exit.Exit<A, E>): A => {
    assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? String(exit.cause) : "")
    return (exit as Exit.Success<A, E>).value
  }
  const inserts = (statements: ReadonlyArray<string>) => statements.filter((s) => s === "INSERT").length
  const selects = (statements: ReadonlyArray<string>) => statements.filter((s) => s === "SELECT").length

  testLayer(layer, { excludeTestServices: true })("Drafts", (it) => {
    it.effect("many-to-one: the author is inserted first and its generated key fills the post's; load needs no query", () =>
      Effect.gen(function*() {
        const { exit, statements } = yield* run((s) =>
          Effect.gen(function*() {
            yield* s.add(DPost, { title: "Hello" }, { author: PostAuthor.drafts([{ name: "Eve" }]) })
            yield* s.add(DPost, { title: "Again" }, { author: PostAuthor.drafts([{ name: "Fay" }]) })
            yield* s.flush
            yield* mark
            const posts = yield* s.query(DPost).orderBy(DPost.c.id).all
            const authors = yield* Effect.forEach(posts, (p) => PostAuthor.load(p))
            const eve = Option.getOrThrow(yield* s.get(DAuthor, authors[0]!.id))
            yield* s.commit
            // An existing instance is taken as it is: only the post is inserted.
            yield* mark
            const fay = yield* s.query(DAuthor).filterBy({ name: "Fay" }).one
            yield* s.add(DPost, { title: "Third" }, { author: PostAuthor.drafts([fay]) })
            yield* s.commit
            yield* mark
            const byAuthor = yield* s.query(DAuthor).orderBy(DAuthor.c.id).with({ posts: AuthorPosts }).all
            return { posts, authors, eve, byAuthor }
          })
        )
        const { authors, byAuthor, eve, posts } = ok(exit)
        // The authors in one INSERT, then the posts in one.
        assert.deepStrictEqual(statements[0]!.filter((s) => s === "INSERT"), ["INSERT", "INSERT"])
        assert.deepStrictEqual(authors.map((a) => a!.name), ["Eve", "Fay"])
        assert.deepStrictEqual(posts.map((p) => p.authorId), authors.map((a) => a!.id))
        // The posts' query only: both authors came from the identity map.
        assert.strictEqual(selects(statements[1]!), 1)
        assert.strictEqual(authors[0], eve)
        assert.strictEqual(inserts(statements[2]!), 1)
        assert.deepStrictEqual(byAuthor.map((a) => [a.name, a.posts.map((p) => p.title)]), [["Eve", ["Hello"]], ["Fay", ["Again", "Third"]]])
      }))

    it.effect("many-to-one over a composite key: both columns filled from the drafted row", () =>
      Effect.gen(function*() {
        const { exit } = yield* run((s) =>
          Effect.gen(function*() {
            yield* s.add(DShipment, { id: 1, qty: 3 }, { line: ShipmentLine.drafts([{ orderId: 7, lineNo: 2, product: "tea" }]) })
            yield* s.add(DShipment, { id: 2, qty: 4 }, { line: ShipmentLine.drafts([{ orderId: 2, lineNo: 7, product: "cups" }]) })
            yield* s.commit
            const shipments = yield* s.query(DShipment).orderBy(DShipment.c.id).with({ line: ShipmentLine }).all
            return shipments.map((x) => [x.id, x.orderId, x.lineNo, x.line?.product ?? null])
          })
        )
        assert.deepStrictEqual(ok(exit), [[1, 7, 2, "tea"], [2, 2, 7, "cups"]])
      }))

    it.effect("self-referential many-to-one, and one-to-one keyed on the new row", () =>
      Effect.gen(function*() {
        const { exit } = yield* run((s) =>
          Effect.gen(function*() {
            yield* s.add(DPerson, { name: "Ann" }, { manager: Manager.drafts([{ name: "Boss" }]) })
            yield* s.add(DBadge, {}, { person: BadgePerson.drafts([{ name: "Cy" }]) })
            yield* s.commit
            const people = yield* s.query(DPerson).orderBy(DPerson.c.name).with({ manager: Manager }).all
            const badge = yield* s.query(DBadge).with({ person: BadgePerson }).one
            return { people: people.map((p) => [p.name, p.manager?.name ?? null]), badge: badge.person?.name ?? null }
          })
        )
        assert.deepStrictEqual(ok(exit), { people: [["Ann", "Boss"], ["Boss", null], ["Cy", null]], badge: "Cy" })
      }))

    it.effect("many-to-many: new tags and the association rows after both; an existing tag is linked as it is", () =>
      Effect.gen(function*() {
        const { exit, statements } = yield* run((s) =>
          Effect.gen(function*() {
            const old = yield* s.insert(DTag, { name: "old" })
            const ann = yield* s.insert(DAuthor, { name: "Ann" })
            yield* mark
            // All three kinds on one row: its author first, then it, then its comments and links (its tags with the author).
            yield* s.add(DPost, { title: "Mixed" }, {
              author: PostAuthor.drafts([{ name: "Eve" }]),
              tags: PostTags.drafts([{ name: "new" }, old, { name: "fresh" }]),
              comments: PostComments.drafts([{ body: "first!" }])
            })
            yield* s.add(DPost, { title: "Plain", authorId: ann.id }, { tags: PostTags.drafts([old]) })
            yield* s.commit
            yield* mark
            const posts = yield* s.query(DPost).orderBy(DPost.c.title).with({ tags: PostTags, author: PostAuthor, comments: PostComments }).all
            const links = yield* s.execute(Query.select(DPostTag))
            return { posts, links: links.length }
          })
        )
        const { links, posts } = ok(exit)
        // Authors, posts, tags, comments, association rows: one INSERT each (MariaDB may need more for RETURNING).
        assert.strictEqual(inserts(statements[1]!), 5)
        assert.deepStrictEqual(
          posts.map((p) => [p.title, p.author?.name ?? null, p.tags.map((t) => t.name), p.comments.map((c) => c.body)]),
          [["Mixed", "Eve", ["fresh", "new", "old"], ["first!"]], ["Plain", "Ann", ["old"], []]]
        )
        assert.strictEqual(links, 4)
      }))

    it.effect("hooks fire for the drafted rows, in flush order", () =>
      Effect.gen(function*() {
        const log: Array<string> = []
        const note = (entry: string) => Effect.sync(() => void log.push(entry))
        const events = Events.layer(
          Events.forModel(DAuthor, { afterInsert: (row) => note(`author ${row.name}`) }),
          Events.forModel(DPost, { beforeInsert: (row) => note(`before post ${row.title} by ${row.authorId}`), afterInsert: (row) => note(`post ${row.title}`) }),
          Events.forModel(DTag, { afterInsert: (row) => note(`tag ${row.name}`) }),
          Events.forModel(DPostTag, { afterInsert: () => note("link") })
        )
        const { exit } = yield* run((s) =>
          Effect.gen(function*() {
            yield* s.add(DPost, { title: "Hooked" }, { author: PostAuthor.drafts([{ name: "Eve" }]), tags: PostTags.drafts([{ name: "a" }]) })
            yield* s.commit
            return (yield* s.query(DAuthor).one).id
          }), events)
        const eveId = ok(exit)
        // The tag has no foreign key: written with the author, before the post; the link last.
        assert.deepStrictEqual(log, ["author Eve", "tag a", `before post Hooked by ${eveId}`, "post Hooked", "link"])
      }))

    it.effect("a failing insert rolls back every row of the flush: the drafted author and tags too", () =>
      Effect.gen(function*() {
        const { exit } = yield* run((s) =>
          Effect.gen(function*() {
            const ann = yield* s.insert(DAuthor, { name: "Ann" })
            yield* s.add(DPost, { title: "Taken", authorId: ann.id })
            yield* s.commit
            // The post's title is taken: its INSERT fails after the author's and the tag's.
            yield* s.add(DPost, { title: "Taken" }, { author: PostAuthor.drafts([{ name: "Zed" }]), tags: PostTags.drafts([{ name: "z" }]) })
            const failed = yield* Effect.flip(s.commit)
            // The same existing tag linked twice: the second association row fails.
            const tag = yield* s.insert(DTag, { name: "once" })
            yield* s.commit
            yield* s.add(DPost, { title: "Twice" }, { author: PostAuthor.drafts([{ name: "Yan" }]), tags: PostTags.drafts([tag, tag]) })
            const twice = yield* Effect.flip(s.commit)
            const authors = yield* s.execute(Query.select(DAuthor).orderBy(DAuthor.c.id))
            const posts = yield* s.execute(Query.select(DPost))
            const tags = yield* s.execute(Query.select(DTag).orderBy(DTag.c.id))
            const links = yield* s.execute(Query.select(DPostTag))
            return { failed: failed._tag, twice: twice._tag, authors: authors.map((a) => a.name), posts: posts.map((p) => p.title), tags: tags.map((t) => t.name), links: links.length }
          })
        )
        assert.deepStrictEqual(ok(exit), { failed: "UniqueViolation", twice: "UniqueViolation", authors: ["Ann"], posts: ["Taken"], tags: ["once"], links: 0 })
      }))

    it.effect("bad drafts fail add with EncodeError, before anything is written", () =>
      Effect.gen(function*() {
        const { exit } = yield* run((s) =>
          Effect.gen(function*() {
            const refused = (effect: Effect.Effect<void, EncodeError>) => Effect.map(Effect.exit(effect), (e) => failure(e))
            const errors = [
              yield* refused(s.add(DPost, { title: "Two" }, { author: PostAuthor.drafts([{ name: "A" }, { name: "B" }]) })),
              yield* refused(s.add(DPost, { title: "None" }, { author: PostAuthor.drafts([]) })),
              yield* refused(s.add(DPost, { title: "Long" }, { author: PostAuthor.drafts([{ name: "x".repeat(21) }]) })),
              yield* refused(s.add(DPost, {}, { author: PostAuthor.drafts([{ name: "C" }]) })),
              yield* refused(s.add(DPost, { title: "Both", authorId: 1 }, { author: PostAuthor.drafts([{ name: "D" }]) })),
              yield* refused(s.add(DAuthor, { name: "E" }, { author: PostAuthor.drafts([{ name: "F" }]) })),
              yield* refused(s.add(DPost, { title: "Tags" }, { author: PostAuthor.drafts([{ name: "G" }]), tags: PostTags.drafts([{ name: 5 as never }]) })),
              yield* refused(s.add(DPost, { title: "Odd" }, { author: { _tag: "Nope" } as never }))
            ]
            yield* s.commit
            const authors = yield* s.execute(Query.select(DAuthor))
            return { errors, authors: authors.length }
          })
        )
        const { authors, errors } = ok(exit)
        assert.deepStrictEqual(errors.map((e) => e._tag), Array(8).fill("EncodeError"))
        const messages = errors.map((e) => e.message)
        assert.include(messages[0]!, "author: manyToOne(DPost, DAuthor) relates a DPost to one DAuthor: its drafts are one row, not 2")
        assert.include(messages[1]!, "not 0")
        assert.include(messages[2]!, "d_authors")
        assert.include(messages[3]!, "title")
        assert.include(messages[4]!, "the foreign key authorId is given and drafted")
        assert.include(messages[5]!, "relates DPost rows, not DAuthor rows")
        assert.include(messages[6]!, "tags:")
        assert.include(messages[7]!, "not drafts of a relation")
        assert.strictEqual(authors, 0)
      }))

    it.effect("drop", () =>
      Effect.scoped(Effect.flatMap(engineFor(echoUrl), (engine) => Effect.provideService(metadata.dropAll, Engine.Engine, engine))))
  })
}
