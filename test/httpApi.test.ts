/**
 * examples/httpApi.ts: a POST of a JSON body then a GET of the created track round-trip
 * through the model's JSON schemas (called through `HttpApiBuilder.toWebHandler`).
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServer from "@effect/platform/HttpServer"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Layer } from "effect"
import { apiLive } from "../examples/httpApi.js"

const { dispose, handler } = HttpApiBuilder.toWebHandler(Layer.mergeAll(apiLive, HttpServer.layerContext))
afterAll(() => dispose())

const json = { "content-type": "application/json" }

describe("examples/httpApi.ts", () => {
  it("POST /tracks then GET /tracks/:id", async () => {
    const body = {
      name: "Blue in Green",
      composer: null,
      unitPrice: "0.99",
      releasedAt: "2024-05-01T10:00:00.123456Z",
      cover: "AQID",
      internalNote: "ignored: sensitive",
      id: 99
    }
    const created = await handler(new Request("http://x/tracks", { method: "POST", headers: json, body: JSON.stringify(body) }))
    assert.strictEqual(created.status, 201)
    const track = await created.json() as Record<string, unknown>
    assert.isNumber(track.id)
    assert.notStrictEqual(track.id, 99)
    assert.notProperty(track, "internalNote")
    assert.isString(track.addedAt)
    const { id: _, internalNote: __, ...sent } = body
    assert.deepInclude(track, sent)

    const got = await handler(new Request(`http://x/tracks/${track.id}`))
    assert.strictEqual(got.status, 200)
    assert.deepStrictEqual(await got.json(), track)

    const missing = await handler(new Request("http://x/tracks/12345"))
    assert.strictEqual(missing.status, 404)
    const bad = await handler(new Request("http://x/tracks", { method: "POST", headers: json, body: JSON.stringify({ ...body, unitPrice: 0.99 }) }))
    assert.strictEqual(bad.status, 400)
  })
})
