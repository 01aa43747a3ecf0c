/**
 * Queries (Core): immutable builders over retort's AST, compiled per dialect and run
 * against the engine. Every value is a bound parameter; every identifier is quoted.
 *
 * ```ts
 * const q = Query.select({ artist: Artist.c.name, tracks: Fn.count(Track.c.trackId) })
 *   .from(Artist)
 *   .join(Album, Album.c.artistId.eq(Artist.c.artistId))
 *   .join(Track, Track.c.albumId.eq(Album.c.albumId))
 *   .groupBy(Artist.c.name)
 *   .orderBy(Fn.count(Track.c.trackId).desc())
 *   .limit(5)
 * const rows = yield* Query.execute(q) // ReadonlyArray<{ artist: string | null; tracks: number }>
 * ```
 *
 * @module
 * @since 0.1.0
 */
export * from "./internal/query/shapes.js"
export * from "./internal/query/select.js"
export * from "./internal/query/compound.js"
export * from "./internal/query/insert.js"
export * from "./internal/query/update.js"
export * from "./internal/query/execute.js"
export * from "./internal/query/oneValue.js"
export { watch } from "./internal/query/watch.js"
export { with_ as with, withRecursive } from "./internal/query/cte.js"
export { delete_ as delete, type Delete } from "./internal/query/delete.js"
