/**
 * An HTTP API over a model: `POST /tracks` takes a JSON body through `Track.jsonCreate`
 * (numerics as strings, timestamps as ISO text, bytes as base64) and `GET /tracks/:id`
 * answers through `Track.json`. SQLite in memory, served by @effect/platform-node.
 *
 *   npm run example:http           (listens on PORT, 3000 by default)
 *
 *   curl -X POST localhost:3000/tracks -H 'content-type: application/json' \
 *     -d '{"name":"Blue","unitPrice":"0.99","releasedAt":"2024-05-01T10:00:00.123456Z"}'
 *   curl localhost:3000/tracks/1
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiError from "@effect/platform/HttpApiError"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Layer, Option, Schema } from "effect"
import { createServer } from "node:http"
import { Column, Engine, Fn, MetaData, Query, Table } from "retort-orm"

export class Track extends Table.Class<Track>("Track")("http_tracks", {
  id: Column.integer({ primaryKey: true }), // generated: in `json`, not in `jsonCreate`
  name: Column.string({ length: 200 }),
  composer: Column.string({ length: 220, nullable: true }),
  unitPrice: Column.numeric({ precision: 10, scale: 2, name: "unit_price" }), // "0.99" in JSON
  releasedAt: Column.dateTime({ name: "released_at" }), // ISO text, microseconds kept
  cover: Column.binary({ nullable: true }), // base64
  addedAt: Column.dateTime({ name: "added_at", serverDefault: Fn.now() }), // filled by the database
  internalNote: Column.text({ name: "internal_note", default: "", sensitive: true }) // never in JSON
}) {}

/** The API: the model's JSON schemas are the payload and success schemas. */
export const api = HttpApi.make("tracks").add(
  HttpApiGroup.make("tracks")
    .add(
      HttpApiEndpoint.get("get", "/tracks/:id")
        .setPath(Schema.Struct({ id: Schema.NumberFromString }))
        .addSuccess(Track.json)
        .addError(HttpApiError.NotFound)
    )
    .add(HttpApiEndpoint.post("create", "/tracks").setPayload(Track.jsonCreate).addSuccess(Track.json, { status: 201 }))
)

const tracksLive = HttpApiBuilder.group(api, "tracks", (handlers) =>
  handlers
    .handle("get", ({ path }) =>
      Query.execute(Query.select(Track).where(Track.c.id.eq(path.id))).pipe(
        Effect.orDie, // a database failure is a 500, not part of the API
        Effect.flatMap((rows) => Option.match(Option.fromNullable(rows[0]), {
          onNone: () => Effect.fail(new HttpApiError.NotFound()),
          onSome: Effect.succeed
        }))
      ))
    .handle("create", ({ payload }) =>
      Query.execute(Query.insert(Track).values(payload).returning(Track)).pipe(
        Effect.map((rows) => rows[0]!),
        Effect.orDie
      )))

/** The database: SQLite in memory, its table created when the layer starts. */
export const databaseLive = Layer.effectDiscard(MetaData.make(Track).createAll).pipe(
  Layer.provideMerge(Engine.layer("sqlite://")),
  Layer.orDie
)

/** The API's handlers over the database, ready for a server or `HttpApiBuilder.toWebHandler`. */
export const apiLive = HttpApiBuilder.api(api).pipe(Layer.provide(tracksLive), Layer.provide(databaseLive))

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 3000)
  HttpApiBuilder.serve().pipe(
    HttpServer.withLogAddress,
    Layer.provide(apiLive),
    Layer.provide(NodeHttpServer.layer(createServer, { port })),
    Layer.launch,
    NodeRuntime.runMain
  )
}
