/**
 * `Inspect.toModels` round trip, for the reflection suite (test/suite/inspect.ts): the
 * generated source is written to a temporary folder inside the project, type-checked with
 * the TypeScript compiler API under the project's compiler options, imported, and its
 * `metadata.createAll` run on the (empty) database; the result is that database reflected.
 */
import { Effect } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import * as Inspect from "../../src/Inspect.js"
import type * as MetaData from "../../src/MetaData.js"
import { typeCheck } from "../harness/typeCheck.js"

const root = resolve(import.meta.dirname, "../..")

/**
 * For each schema: its generated source, and the database its `createAll` makes, reflected
 * (each created on the empty database and dropped again). `diagnostics` covers all sources.
 */
export const toModelsRoundTrip = (schemas: ReadonlyArray<Inspect.Schema>) =>
  Effect.gen(function*() {
    const dir = mkdtempSync(join(root, ".inspect-models-"))
    try {
      const sources = schemas.map((schema) => Inspect.toModels(schema, { importFrom: "../src/index.js" }))
      const files = sources.map((source, i) => {
        const file = join(dir, `models${i}.ts`)
        writeFileSync(file, source)
        return file
      })
      const diagnostics = typeCheck(files)
      const reflected: Array<Inspect.Schema> = []
      for (const file of files) {
        const generated = (yield* Effect.promise(() => import(file))) as { readonly metadata: MetaData.MetaData }
        yield* generated.metadata.createAll
        reflected.push(yield* Inspect.tables)
        yield* generated.metadata.dropAll
      }
      return { sources, diagnostics, reflected }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
