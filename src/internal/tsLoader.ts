/**
 * Loading user modules that may be TypeScript (`retort.config.ts`, the metadata module,
 * `.ts` migrations) with tsx, a kept loader. Callers: `src/Migrator.ts` (`fromFolder`) and
 * `src/cli/config.ts`.
 *
 * tsx's hooks are registered once per process and the modules are then imported natively:
 * they share one module graph with the program (one copy of `effect` and of retort), where
 * `tsImport` would load a fresh graph per file, seconds each.
 */
import { pathToFileURL } from "node:url"

let registered: Promise<unknown> | undefined

const typescript = /\.[mc]?tsx?$/

/** `import()` of a file path; TypeScript files through tsx. */
export const importFile = async (path: string): Promise<Record<string, unknown>> => {
  if (typescript.test(path)) {
    registered ??= import("tsx/esm/api").then(({ register }) => register())
    await registered
  }
  return await import(pathToFileURL(path).href) as Record<string, unknown>
}
