/**
 * Telemetry: every statement is a client span following OpenTelemetry's database
 * conventions, with the session's flush, commit, rollback and relation loads as parent spans. An in-memory
 * tracer (Effect's `Tracer.make`) records the spans; no exporter is involved.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Exit, Option, Stream, Tracer } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Relation from "../../src/Relation.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class User extends Table.Class<User>("User")("tel_users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50, unique: true })
}) {}

class Post extends Table.Class<Post>("Post")("tel_posts", {
  id: Column.integer({ primaryKey: true }),
  userId: Column.integer({ name: "user_id", references: () => User.c.id }),
  title: Column.string({ length: 50 })
}) {}

const UserPosts = Relation.oneToMany(User, Post, { foreignKey: Post.c.userId, name: "User.posts" })
const PostUser = Relation.manyToOne(Post, User, { foreignKey: Post.c.userId, name: "Post.user" })

const metadata = MetaData.make(User, Post)
const fresh = Effect.zipRight(metadata.dropAll, metadata.createAll)

interface Recorded {
  readonly name: string
  readonly spanId: string
  readonly parentId: string | undefined
  readonly kind: Tracer.SpanKind
  readonly attributes: Map<string, unknown>
  exit: Exit.Exit<unknown, unknown> | undefined
}

/** A tracer keeping every span it is given, in the order they start. */
const memoryTracer = () => {
  const spans: Array<Recorded> = []
  let ids = 0
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      const recorded: Recorded = {
        name,
        spanId: `span-${++ids}`,
        parentId: Option.match(parent, { onNone: () => undefined, onSome: (p) => p.spanId }),
        kind,
        attributes,
        exit: undefined
      }
      spans.push(recorded)
      const span: { -readonly [K in keyof Tracer.Span]: Tracer.Span[K] } = {
        _tag: "Span",
        name,
        spanId: recorded.spanId,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links: [...links],
        sampled: true,
        kind,
        end: (endTime, exit) => {
          span.status = { _tag: "Ended", startTime, endTime, exit }
          recorded.exit = exit
        },
        attribute: (key, value) => void attributes.set(key, value),
        event: () => {},
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

/** Runs `effect` under a fresh in-memory tracer and hands back its spans. */
const traced = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const { spans, tracer } = memoryTracer()
    const exit = yield* Effect.exit(Effect.withTracer(effect, tracer))
    return { exit, spans }
  })

const statements = (spans: ReadonlyArray<Recorded>) => spans.filter((s) => s.kind === "client")

export const suite: Suite = (layer, target) => {
  const system = target.dialect === "postgresql" ? "postgresql" : target.dialect === "sqlite" ? "sqlite" : "mysql"

  testLayer(layer, { excludeTestServices: true })("Telemetry", (it) => {
    it.effect("a query is a client span named `SELECT tel_users`, with the conventions' attributes", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* Query.execute(Query.insert(User).values([{ id: 1, name: "Ann" }, { id: 2, name: "Bob" }]))
        const { exit, spans } = yield* traced(Query.execute(Query.select(User).where(User.c.id.gt(0)).orderBy(User.c.id)))
        assert.isTrue(Exit.isSuccess(exit))
        const [span, ...others] = statements(spans)
        assert.strictEqual(others.length, 0)
        assert.strictEqual(span!.name, "SELECT tel_users")
        const a = span!.attributes
        assert.strictEqual(a.get("db.system.name"), system)
        assert.strictEqual(a.get("db.collection.name"), "tel_users")
        assert.strictEqual(a.get("db.operation.name"), "SELECT")
        assert.strictEqual(a.get("db.query.summary"), "SELECT tel_users")
        assert.strictEqual(a.get("db.query.text"), Query.select(User).where(User.c.id.gt(0)).orderBy(User.c.id).toSql(target.dialect).sql)
        assert.strictEqual(a.get("db.response.returned_rows"), 2)
        assert.isString(a.get("db.namespace"))
        if (target.dialect === "sqlite") {
          assert.isFalse(a.has("server.address"))
          assert.isFalse(a.has("server.port"))
        } else {
          assert.strictEqual(a.get("server.address"), "127.0.0.1")
          assert.isNumber(a.get("server.port"))
        }
        assert.isFalse(a.has("error.type"))
        yield* metadata.dropAll
      }))

    it.effect("writes name their table; raw SQL names only its operation", () =>
      Effect.gen(function*() {
        yield* fresh
        const { spans } = yield* traced(Effect.gen(function*() {
          yield* Query.execute(Query.insert(User).values([{ id: 1, name: "Ann" }]))
          yield* Query.execute(Query.update(User).set({ name: "Anne" }).where(User.c.id.eq(1)))
          yield* Query.execute(Query.delete(User).where(User.c.id.eq(1)))
          yield* Engine.execute("SELECT 1 AS one")
        }))
        assert.deepStrictEqual(statements(spans).map((s) => s.name), ["INSERT tel_users", "UPDATE tel_users", "DELETE tel_users", "SELECT"])
        const raw = statements(spans)[3]!
        assert.isFalse(raw.attributes.has("db.collection.name"))
        assert.strictEqual(raw.attributes.get("db.response.returned_rows"), 1)
        yield* metadata.dropAll
      }))

    it.effect("parameter values appear in no attribute", () =>
      Effect.gen(function*() {
        yield* fresh
        const secret = "s3cr3t-Zebra-42"
        const { spans } = yield* traced(Effect.gen(function*() {
          yield* Query.execute(Query.insert(User).values([{ id: 7, name: secret }]))
          yield* Query.execute(Query.select(User).where(User.c.name.eq(secret)))
          yield* Engine.execute(`SELECT id FROM tel_users WHERE name = ${target.dialect === "postgresql" ? "$1" : "?"}`, [secret])
          yield* Stream.runDrain(Query.stream(Query.select(User).where(User.c.name.eq(secret))))
        }))
        assert.strictEqual(statements(spans).length, 4)
        for (const span of spans) {
          for (const [key, value] of span.attributes) assert.notInclude(String(value), secret, `${span.name} ${key}`)
        }
        const streamed = statements(spans)[3]!
        assert.strictEqual(streamed.name, "SELECT tel_users")
        assert.strictEqual(streamed.attributes.get("db.response.returned_rows"), 1)
        yield* metadata.dropAll
      }))

    it.effect("a flush's statements are children of session.flush, under session.commit", () =>
      Effect.gen(function*() {
        yield* fresh
        const { exit, spans } = yield* traced(Effect.scoped(Effect.gen(function*() {
          const session = yield* Session.make
          yield* session.add(User, { id: 1, name: "Ann" })
          yield* session.add(User, { id: 2, name: "Bob" })
          yield* session.commit
        })))
        assert.isTrue(Exit.isSuccess(exit))
        const commit = spans.find((s) => s.name === "session.commit")!
        const flush = spans.find((s) => s.name === "session.flush")!
        assert.isDefined(commit)
        assert.strictEqual(flush.parentId, commit.spanId)
        const inserts = spans.filter((s) => s.attributes.get("db.operation.name") === "INSERT")
        assert.isAbove(inserts.length, 0)
        for (const insert of inserts) {
          assert.strictEqual(insert.parentId, flush.spanId)
          assert.strictEqual(insert.attributes.get("db.collection.name"), "tel_users")
        }
        const ends = spans.filter((s) => s.attributes.get("db.operation.name") === "COMMIT")
        assert.strictEqual(ends.length, 1)
        assert.strictEqual(ends[0]!.parentId, commit.spanId)
        yield* metadata.dropAll
      }))

    it.effect("every statement a session issues names its table, operation and summary", () =>
      Effect.gen(function*() {
        yield* fresh
        const { exit, spans } = yield* traced(Effect.scoped(Effect.gen(function*() {
          const session = yield* Session.make
          yield* session.add(User, { id: 1, name: "Ann" })
          yield* session.add(User, { id: 2, name: "Bob" })
          yield* session.add(Post, { id: 1, userId: 1, title: "Hello" })
          yield* session.commit
          const ann = Option.getOrThrow(yield* session.get(User, 1))
          yield* session.query(User).where(User.c.id.gt(0)).all
          yield* session.query(User).filterBy({ name: "Bob" }).one
          yield* session.query(User).first
          yield* session.query(User).count
          yield* Stream.runDrain(session.query(User).stream)
          yield* session.query(User).with({ posts: UserPosts }).all
          // Joined collections with a limit read their parents in a subquery: still the parents' table.
          yield* session.query(User).with({ posts: UserPosts }, { strategy: "joined" }).limit(1).all
          yield* session.update(ann, { name: "Anne" })
          yield* session.delete(Option.getOrThrow(yield* session.get(Post, 1)))
          yield* session.refresh(ann)
          yield* session.commit
        })))
        assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? String(exit.cause) : "")
        const transactional = new Set(["BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET"])
        const table = statements(spans).filter((s) => !transactional.has(String(s.attributes.get("db.operation.name"))))
        assert.isAbove(table.length, 12)
        for (const span of table) {
          const a = span.attributes
          const text = String(a.get("db.query.text"))
          assert.include(["tel_users", "tel_posts"], a.get("db.collection.name"), text)
          assert.include(["SELECT", "INSERT", "UPDATE", "DELETE"], a.get("db.operation.name"), text)
          assert.strictEqual(a.get("db.query.summary"), `${a.get("db.operation.name")} ${a.get("db.collection.name")}`, text)
          assert.strictEqual(span.name, a.get("db.query.summary"))
        }
        const summaries = new Set(table.map((s) => s.name))
        for (const expected of ["INSERT tel_users", "INSERT tel_posts", "SELECT tel_users", "SELECT tel_posts", "UPDATE tel_users", "DELETE tel_posts"]) {
          assert.isTrue(summaries.has(expected), expected)
        }
        yield* metadata.dropAll
      }))

    it.effect("session.get is a span named SELECT and its table", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* Query.execute(Query.insert(User).values([{ id: 1, name: "Ann" }]))
        const { spans } = yield* traced(Session.use((session) => session.get(User, 1)))
        const [span, ...others] = statements(spans)
        assert.strictEqual(others.length, 0)
        assert.strictEqual(span!.name, "SELECT tel_users")
        assert.strictEqual(span!.attributes.get("db.collection.name"), "tel_users")
        assert.strictEqual(span!.attributes.get("db.operation.name"), "SELECT")
        assert.strictEqual(span!.attributes.get("db.response.returned_rows"), 1)
        yield* metadata.dropAll
      }))

    it.effect("relation loads are session.load spans over their statements: eager, lazy, batched", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* Query.execute(Query.insert(User).values([{ id: 1, name: "Ann" }, { id: 2, name: "Bob" }]))
        yield* Query.execute(Query.insert(Post).values([{ id: 1, userId: 1, title: "A" }, { id: 2, userId: 2, title: "B" }, { id: 3, userId: 1, title: "C" }]))
        const loads = (recorded: ReadonlyArray<Recorded>) => recorded.filter((s) => s.name === "session.load")
        const childrenOf = (recorded: ReadonlyArray<Recorded>, parent: Recorded) => recorded.filter((s) => s.parentId === parent.spanId)

        // Eager (selectin): one load span, its SELECT under it; the parents' query is not.
        const eager = yield* traced(Session.use((session) => session.query(User).orderBy(User.c.id).with({ posts: UserPosts }).all))
        assert.isTrue(Exit.isSuccess(eager.exit))
        const [load, ...more] = loads(eager.spans)
        assert.strictEqual(more.length, 0)
        assert.strictEqual(load!.kind, "internal")
        assert.strictEqual(load!.attributes.get("db.collection.name"), "tel_posts")
        assert.strictEqual(load!.attributes.get("retort.relation.name"), "User.posts")
        assert.strictEqual(load!.attributes.get("retort.relation.kind"), "oneToMany")
        assert.strictEqual(load!.attributes.get("retort.load.keys"), 2)
        assert.deepStrictEqual(childrenOf(eager.spans, load!).map((s) => s.name), ["SELECT tel_posts"])
        const parents = statements(eager.spans).find((s) => s.name === "SELECT tel_users")!
        assert.notStrictEqual(parents.parentId, load!.spanId)

        // Lazy: a loop of loads over a result is one load span; so is a concurrent batch.
        const lazy = yield* traced(Session.use((session) =>
          Effect.gen(function*() {
            const posts = yield* session.query(Post).orderBy(Post.c.id).all
            for (const post of posts) yield* PostUser.load(post).pipe(Effect.provideService(Session.Session, session))
            const users = [Option.getOrThrow(yield* session.get(User, 1)), Option.getOrThrow(yield* session.get(User, 2))]
            return yield* Effect.forEach(users, (u) => UserPosts.load(u), { concurrency: "unbounded" }).pipe(Effect.provideService(Session.Session, session))
          })
        ))
        assert.isTrue(Exit.isSuccess(lazy.exit), Exit.isFailure(lazy.exit) ? String(lazy.exit.cause) : "")
        assert.deepStrictEqual(loads(lazy.spans).map((s) => [s.attributes.get("retort.relation.name"), s.attributes.get("db.collection.name")]), [
          ["Post.user", "tel_users"],
          ["User.posts", "tel_posts"]
        ])
        for (const span of loads(lazy.spans)) assert.strictEqual(childrenOf(lazy.spans, span).filter((s) => s.kind === "client").length, 1)

        // Joined: read in the parents' statement, no load of its own.
        const joined = yield* traced(Session.use((session) => session.query(Post).with({ user: PostUser }, { strategy: "joined" }).all))
        assert.isTrue(Exit.isSuccess(joined.exit))
        assert.strictEqual(loads(joined.spans).length, 0)
        assert.deepStrictEqual(statements(joined.spans).map((s) => s.name), ["SELECT tel_posts"])
        yield* metadata.dropAll
      }))

    it.effect("a UniqueViolation marks the statement's span failed with error.type", () =>
      Effect.gen(function*() {
        yield* fresh
        yield* Query.execute(Query.insert(User).values([{ id: 1, name: "Ann" }]))
        const { exit, spans } = yield* traced(Query.execute(Query.insert(User).values([{ id: 2, name: "Ann" }])))
        assert.isTrue(Exit.isFailure(exit))
        const [span] = statements(spans)
        assert.strictEqual(span!.attributes.get("error.type"), "UniqueViolation")
        assert.isTrue(span!.exit !== undefined && Exit.isFailure(span!.exit))

        // Through a session: the failed INSERT under session.flush, then the session rolls back.
        const inSession = yield* traced(Effect.scoped(Effect.gen(function*() {
          const session = yield* Session.make
          yield* session.add(User, { id: 3, name: "Ann" })
          yield* session.flush
        })))
        assert.isTrue(Exit.isFailure(inSession.exit))
        const flush = inSession.spans.find((s) => s.name === "session.flush")!
        const failed = inSession.spans.find((s) => s.attributes.get("error.type") === "UniqueViolation")!
        assert.strictEqual(failed.parentId, flush.spanId)
        assert.isTrue(flush.exit !== undefined && Exit.isFailure(flush.exit))
        assert.isDefined(inSession.spans.find((s) => s.name === "session.rollback"))
        yield* metadata.dropAll
      }))
  })
}
