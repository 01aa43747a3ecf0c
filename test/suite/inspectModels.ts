/**
 * `Inspect.toModels` round trip, for the reflection suite (test/suite/inspect.ts): the
 * generated source is written to a temporary folder inside the project, type-checked with
 * the TypeScript compiler API under the project's compiler options, imported, and its
 * `metadata.createAll` run on the (empty) database; the result is that database reflected.
 */
import { Effect } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import ts from "typescript"
import * as Inspect from "../../src/Inspect.js"
import type * as MetaData from "../../src/MetaData.js"

const root = resolve(import.meta.dirname, "../..")

/** The diagnostics of files under the project's compiler options, in one program. */
export const typeCheck = (files: ReadonlyArray<string>): ReadonlyArray<string> => {
  const configPath = join(root, "tsconfig.json")
  const config = ts.readConfigFile(configPath, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  const program = ts.createProgram(files, {
    ...parsed.options,
    noEmit: true,
    // The project's check leaves declaration diagnostics to the build; generated models must pass them too.
    declaration: true,
    incremental: false
  })
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file === undefined ? "" : `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
  })
}

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
