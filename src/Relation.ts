/**
 * Relationships between models: one-to-many, many-to-one, one-to-one, many-to-many
 * (through an association table) and self-referential ones. They load eagerly with
 * `session.query(M).with({ name: relation })` (one query per relation, whatever the number
 * of rows; or none with `{ strategy: "joined" }`, in the query's own statement through
 * LEFT JOINs) or lazily with `relation.load(entity)`, without N+1: the first load of a
 * relation on one instance of a query's result loads it for all of them, so a loop of
 * loads is one query; concurrent or request-batched loads of other instances share one.
 *
 * @module
 * @since 0.1.0
 */
import type { Effect, Schema } from "effect"
import type * as Column from "./Column.js"
import type * as Expr from "./Expr.js"
import type { LazyLoadRefused } from "./Errors.js"
import { checkStrategy, type RelationDef, RelationTypeId, type Strategy as StrategyDef } from "./internal/loading/RelationDef.js"
import { foreignKey, make } from "./internal/loading/RelationValue.js"
import type * as Session from "./Session.js"
import * as Table from "./Table.js"

/**
 * The identifier of this module's values.
 *
 * @example
 * import { Relation } from "retort-orm"
 * const id = Relation.TypeId
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: typeof RelationTypeId = RelationTypeId

/**
 * A relationship from instances of `S` to what `R` describes: an array of `T` instances,
 * or one `T` instance or `null`.
 *
 * @example
 * import { Column, Relation, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }) }) {}
 * class Post extends Table.Class<Post>("Post")("posts", { id: Column.integer({ primaryKey: true }), authorId: Column.integer({ references: () => User.c.id }) }) {}
 * const posts: Relation.Relation<typeof User, typeof Post, ReadonlyArray<Post>> = Relation.oneToMany(User, Post, { foreignKey: Post.c.authorId })
 *
 * @since 0.1.0
 * @category models
 */
export interface Relation<S extends Table.Any, T extends Table.Any, R> {
  readonly [TypeId]: RelationDef
  readonly source: S
  readonly target: T
  /** Phantom: what loading gives. */
  readonly "~result"?: R
  /**
   * The same relation, loading `nested` relations of its targets too: one more query per
   * level, or in the same statement with `{ strategy: "joined" }` (see `WithOptions`).
   */
  with<N extends Relations>(nested: N, options?: WithOptions): Relation<S, T, Nested<R, N>>
  /**
   * The related instances of one source instance, without N+1: served from an eager load
   * (`with`) of this instance if there was one; else loaded, in one query, for every
   * instance of the query result `entity` came from (so a loop of loads is one query);
   * else batched with the loads of the same `forEach` (concurrent or `{ batching: true }`).
   * A session with `lazyLoad: "raise"` refuses all but the eager case (`LazyLoadRefused`).
   */
  load(entity: InstanceType<S>): Effect.Effect<R, Session.SessionError | LazyLoadRefused, Session.Session>
  /**
   * `EXISTS` a related row (matching `condition`, if given): `UserPosts.any((p) => p.status.eq("draft"))`.
   * For self-referential relations use the callback form, which gets the related table's columns under an alias.
   */
  any(condition?: Expr.Expr<boolean> | ((target: T["c"]) => Expr.Expr<boolean>)): Expr.Expr<boolean>
  /** `has` is `any` under the name that reads well for a relation to one row: `PostAuthor.has(…)`. */
  has(condition?: Expr.Expr<boolean> | ((target: T["c"]) => Expr.Expr<boolean>)): Expr.Expr<boolean>
  /**
   * Related rows to insert with a new source row, in the same flush: `session.add(User,
   * values, { posts: UserPosts.drafts([...]) })`. Per kind of relation (see `Drafts`):
   * one-to-many rows come after the new row, their foreign key filled from it; a
   * many-to-one draft is one row, inserted first, whose key fills the new row's foreign
   * key; many-to-many rows are inserted too (or, given as instances, taken as they are)
   * and an association row links each to the new row.
   */
  drafts(rows: ReadonlyArray<Partial<Schema.Schema.Type<T["insert"]>> | InstanceType<T>>): Drafts
}

/**
 * Any relation.
 *
 * @example
 * import type { Relation } from "retort-orm"
 * const relations: ReadonlyArray<Relation.Any> = []
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Relation<any, any, any>

/**
 * Relations by the field name they load into.
 *
 * @example
 * import type { Relation } from "retort-orm"
 * const none: Relation.Relations = {}
 *
 * @since 0.1.0
 * @category models
 */
export type Relations = { readonly [name: string]: Any }

/**
 * The fields a set of relations adds.
 *
 * @example
 * import type { Relation } from "retort-orm"
 * type Fields<N extends Relation.Relations> = Relation.Loaded<N>
 *
 * @since 0.1.0
 * @category type-level
 */
export type Loaded<N extends Relations> = { readonly [K in keyof N]: N[K] extends Relation<any, any, infer R> ? R : never }

/**
 * `R` with the nested relations loaded on each related instance.
 *
 * @example
 * import type { Relation } from "retort-orm"
 * type Posts<P, N extends Relation.Relations> = Relation.Nested<ReadonlyArray<P>, N>
 *
 * @since 0.1.0
 * @category type-level
 */
export type Nested<R, N extends Relations> = R extends ReadonlyArray<infer E> ? ReadonlyArray<E & Loaded<N>>
  : (NonNullable<R> & Loaded<N>) | (null extends R ? null : never)

/**
 * Related rows to insert with a new row (see `Relation.drafts` and `Session.add`), all in
 * the flush that inserts it, in foreign-key order:
 * - one-to-many (and one-to-one keyed on the related row): inserted after the new row,
 *   their foreign key (every column of a composite one) filled from its key;
 * - many-to-one (and one-to-one keyed on the new row): exactly one row, inserted before
 *   the new row, whose foreign key columns are filled from its key (generated ones read
 *   back); the new row may then leave those columns out. An existing instance of the
 *   target is accepted too: it fills the key at once and is not inserted;
 * - many-to-many: each row is a new target row (inserted) or an existing instance (taken
 *   as it is), and one association row, holding only the two keys, links it to the new row.
 *
 * Drafts are checked when added: a relation of another model, a many-to-one with other
 * than one row, or a row that its model refuses fails `add` with `EncodeError`.
 *
 * @example
 * import { Column, Relation, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * class Post extends Table.Class<Post>("Post")("posts", { id: Column.integer({ primaryKey: true }), authorId: Column.integer({ references: () => User.c.id }), title: Column.text() }) {}
 * const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId })
 * const author: Relation.Drafts = PostAuthor.drafts([{ name: "Eve" }])
 *
 * @since 0.1.0
 * @category models
 */
export interface Drafts {
  readonly _tag: "Drafts"
  readonly relation: RelationDef
  readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>>
}

/**
 * Cascades handled by the session on top of the database's `onDelete`: `delete` deletes
 * the related rows with the source row; `deleteOrphan` deletes a related row whose
 * foreign key is set to null.
 *
 * @example
 * import type { Relation } from "retort-orm"
 * const cascade: Relation.Cascade = { delete: true, deleteOrphan: true }
 *
 * @since 0.1.0
 * @category models
 */
export interface Cascade {
  readonly delete?: boolean
  readonly deleteOrphan?: boolean
}

/**
 * How eager loading fetches relations: `"selectin"` (the default) runs one more query per
 * relation and level, with the parents' keys in IN lists; `"joined"` loads them in the
 * parents' statement through LEFT JOINs (parent rows de-duplicated, LIMIT and OFFSET
 * still counting parents), so a whole tree of joined relations is one statement. A
 * strategy given to `with` holds for the levels nested under it that choose none.
 *
 * @example
 * import { Column, Relation, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }) }) {}
 * class Post extends Table.Class<Post>("Post")("posts", { id: Column.integer({ primaryKey: true }), authorId: Column.integer({ references: () => User.c.id }) }) {}
 * const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId })
 * const options: Relation.WithOptions = { strategy: "joined" }
 * const UserPosts = Relation.oneToMany(User, Post, { foreignKey: Post.c.authorId }).with({ author: PostAuthor }, options)
 *
 * @since 0.4.0
 * @category models
 */
export interface WithOptions {
  readonly strategy?: Strategy | undefined
}

/**
 * A loading strategy: `"selectin"` or `"joined"` (see `WithOptions`).
 *
 * @example
 * import type { Relation } from "retort-orm"
 * const strategy: Relation.Strategy = "joined"
 *
 * @since 0.4.0
 * @category models
 */
export type Strategy = StrategyDef

/**
 * The foreign key of a relation: one column, or the columns of a composite key, each
 * with its `references` or (none of them) pointing at the other model's primary key in order.
 *
 * @example
 * import { Column, Relation, Table } from "retort-orm"
 * class Line extends Table.Class<Line>("Line")("lines", { orderId: Column.integer(), lineNo: Column.integer() }, { primaryKey: ["orderId", "lineNo"] }) {}
 * class Shipment extends Table.Class<Shipment>("Shipment")("shipments", { id: Column.integer({ primaryKey: true }), orderId: Column.integer(), lineNo: Column.integer() }) {}
 * const key: Relation.ForeignKey = [Shipment.c.orderId, Shipment.c.lineNo]
 * const ShipmentLine = Relation.manyToOne(Shipment, Line, { foreignKey: key })
 *
 * @since 0.4.0
 * @category models
 */
export type ForeignKey = Column.Ref<any, string, any> | ReadonlyArray<Column.Ref<any, string, any>>

/**
 * Options every relation takes: `orderBy`, the order of the related rows (eager and lazy
 * loads alike; the target's primary key breaks ties, and is the order without it),
 * `name`, the relation's name in messages such as `LazyLoadRefused`'s, and `strategy`,
 * how eager loads fetch it by default (SQLAlchemy's `lazy="joined"` is opt-in here too).
 *
 * @example
 * import { Column, Relation, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }) }) {}
 * class Post extends Table.Class<Post>("Post")("posts", { id: Column.integer({ primaryKey: true }), authorId: Column.integer({ references: () => User.c.id }) }) {}
 * const UserPosts = Relation.oneToMany(User, Post, { foreignKey: Post.c.authorId, orderBy: [Post.c.id.desc()], name: "User.posts" })
 * const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId, strategy: "joined" })
 *
 * @since 0.3.0
 * @category models
 */
export interface Options {
  readonly orderBy?: ReadonlyArray<Expr.Expr<any> | Expr.Order>
  readonly name?: string
  /** How `with` loads it when the query does not say (default `"selectin"`; see `WithOptions`). */
  readonly strategy?: Strategy
}

const identity = (kind: RelationDef["kind"], source: Table.Any, target: Table.Any, options: Options) => ({
  id: Symbol(kind),
  name: options.name ?? `${kind}(${Table.definition(source).identifier}, ${Table.definition(target).identifier})`,
  orderBy: options.orderBy ?? [],
  strategy: checkStrategy(options.strategy) ?? "selectin",
  chosen: undefined
})

const cascadeOf = (options: { readonly cascade?: Cascade | undefined }) => ({
  delete: options.cascade?.delete === true,
  deleteOrphan: options.cascade?.deleteOrphan === true
})

/**
 * One source row to many target rows, whose `foreignKey` points at the source. A
 * composite key is several columns, `[Shipment.c.orderId, Shipment.c.lineNo]`: each
 * with its `references`, or none of them, pointing at the source's primary key in order.
 *
 * @example
 * import { Column, Relation, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }) }) {}
 * class Post extends Table.Class<Post>("Post")("posts", { id: Column.integer({ primaryKey: true }), authorId: Column.integer({ references: () => User.c.id }) }) {}
 * const UserPosts = Relation.oneToMany(User, Post, { foreignKey: Post.c.authorId, cascade: { delete: true }, orderBy: [Post.c.id.desc()] })
 *
 * @since 0.1.0
 * @category constructors
 */
export const oneToMany = <S extends Table.Any, T extends Table.Any>(
  source: S,
  target: T,
  options: { readonly foreignKey: ForeignKey; readonly cascade?: Cascade } & Options
): Relation<S, T, ReadonlyArray<InstanceType<T>>> => {
  const fk = foreignKey(options.foreignKey, source)
  return make({
    kind: "oneToMany",
    single: false,
    keyOn: "target",
    source,
    target,
    sourceKeys: fk.referenced.map((r) => source.c[r.key] as Column.AnyRef),
    targetKeys: fk.columns,
    through: undefined,
    cascade: cascadeOf(options),
    nested: {},
    ...identity("oneToMany", source, target, options)
  })
}

/**
 * Many source rows to one target row: the source's `foreignKey` (one column, or the
 * columns of a composite key) points at the target. Loads the target instance, or
 * `null` when the key (or a part of it) is null.
 *
 * @example
 * import { Column, Relation, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }) }) {}
 * class Post extends Table.Class<Post>("Post")("posts", { id: Column.integer({ primaryKey: true }), authorId: Column.integer({ references: () => User.c.id }) }) {}
 * const PostAuthor = Relation.manyToOne(Post, User, { foreignKey: Post.c.authorId })
 *
 * @since 0.1.0
 * @category constructors
 */
export const manyToOne = <S extends Table.Any, T extends Table.Any>(
  source: S,
  target: T,
  options: { readonly foreignKey: ForeignKey; readonly cascade?: Cascade } & Options
): Relation<S, T, InstanceType<T> | null> => {
  const fk = foreignKey(options.foreignKey, target)
  return make({
    kind: "manyToOne",
    single: true,
    keyOn: "source",
    source,
    target,
    sourceKeys: fk.columns,
    targetKeys: fk.referenced.map((r) => target.c[r.key] as Column.AnyRef),
    through: undefined,
    cascade: cascadeOf(options),
    nested: {},
    ...identity("manyToOne", source, target, options)
  })
}

/**
 * One row to at most one row. The `foreignKey` may be on either side: on the target (a
 * user's profile) or on the source (a profile's user).
 *
 * @example
 * import { Column, Relation, Table } from "retort-orm"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }) }) {}
 * class Profile extends Table.Class<Profile>("Profile")("profiles", { id: Column.integer({ primaryKey: true }), userId: Column.integer({ unique: true, references: () => User.c.id }) }) {}
 * const UserProfile = Relation.oneToOne(User, Profile, { foreignKey: Profile.c.userId })
 *
 * @since 0.1.0
 * @category constructors
 */
export const oneToOne = <S extends Table.Any, T extends Table.Any>(
  source: S,
  target: T,
  options: { readonly foreignKey: ForeignKey; readonly cascade?: Cascade } & Options
): Relation<S, T, InstanceType<T> | null> => {
  const first = (Array.isArray(options.foreignKey) ? options.foreignKey[0] : options.foreignKey) as Column.AnyRef | undefined
  const onTarget = first?.table.def === Table.definition(target) && (target as Table.Any) !== source
  const fk = foreignKey(options.foreignKey, onTarget ? source : target)
  return make({
    kind: "oneToOne",
    single: true,
    keyOn: onTarget ? "target" : "source",
    source,
    target,
    sourceKeys: onTarget ? fk.referenced.map((r) => source.c[r.key] as Column.AnyRef) : fk.columns,
    targetKeys: onTarget ? fk.columns : fk.referenced.map((r) => target.c[r.key] as Column.AnyRef),
    through: undefined,
    cascade: cascadeOf(options),
    nested: {},
    ...identity("oneToOne", source, target, options)
  })
}

/**
 * Many to many, through an association table whose `source` column (or columns) points
 * at the source and `target` column (or columns) at the target.
 *
 * @example
 * import { Column, Relation, Table } from "retort-orm"
 * class Playlist extends Table.Class<Playlist>("Playlist")("playlists", { id: Column.integer({ primaryKey: true }) }) {}
 * class Track extends Table.Class<Track>("Track")("tracks", { id: Column.integer({ primaryKey: true }) }) {}
 * class PlaylistTrack extends Table.Class<PlaylistTrack>("PlaylistTrack")("playlist_tracks", {
 *   playlistId: Column.integer({ references: () => Playlist.c.id }),
 *   trackId: Column.integer({ references: () => Track.c.id })
 * }, { primaryKey: ["playlistId", "trackId"] }) {}
 * const PlaylistTracks = Relation.manyToMany(Playlist, Track, { through: PlaylistTrack, source: PlaylistTrack.c.playlistId, target: PlaylistTrack.c.trackId })
 *
 * @since 0.1.0
 * @category constructors
 */
export const manyToMany = <S extends Table.Any, T extends Table.Any>(
  source: S,
  target: T,
  options: {
    readonly through: Table.Any
    readonly source: ForeignKey
    readonly target: ForeignKey
  } & Options
): Relation<S, T, ReadonlyArray<InstanceType<T>>> => {
  const toSource = foreignKey(options.source, source)
  const toTarget = foreignKey(options.target, target)
  const targetKeys = toTarget.referenced.map((r) => target.c[r.key] as Column.AnyRef)
  return make({
    kind: "manyToMany",
    single: false,
    keyOn: "through",
    source,
    target,
    sourceKeys: toSource.referenced.map((r) => source.c[r.key] as Column.AnyRef),
    targetKeys,
    through: { model: options.through, sourceFks: toSource.columns, targetFks: toTarget.columns, targetKeys },
    cascade: { delete: false, deleteOrphan: false },
    nested: {},
    ...identity("manyToMany", source, target, options)
  })
}
