/**
 * Loading user modules that may be TypeScript (`retort.config.ts`, the metadata module,
 * `.ts` migrations) with tsx, a kept loader. Callers: `src/Migrator.ts` (`fromFolder`) and
 * `src/cli/config.ts`.
 *
 * tsx's hooks are registered once per process and the modules are then imported natively:
 * they share one module graph with the program (one copy of `effect` and of retort), where
 * `tsImport` would load a fresh graph per file, seconds each.
 *
 * tsx is an optional peer dependency: without it, a Node that strips types itself (22.18
 * and later) still loads the file; an older one fails with a message saying to install tsx.
 */
import { pathToFileURL } from "node:url"
import { missingPackage } from "./execution/drivers.js"

let registered: Promise<boolean> | undefined

const typescript = /\.[mc]?tsx?$/

const needsTsx = "loading TypeScript files (.ts migrations, retort.config.ts, metadata modules) needs tsx, which is not installed: npm install tsx"

/** `import()` of a file path; TypeScript files through tsx. */
export const importFile = async (path: string): Promise<Record<string, unknown>> => {
  const href = pathToFileURL(path).href
  if (!typescript.test(path)) return await import(href) as Record<string, unknown>
  registered ??= import("tsx/esm/api").then(({ register }) => {
    register()
    return true
  }, (error: unknown) => {
    if (missingPackage(error) === "tsx") return false
    throw error
  })
  if (await registered) return await import(href) as Record<string, unknown>
  try {
    return await import(href) as Record<string, unknown>
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    if (code === "ERR_UNKNOWN_FILE_EXTENSION" || code === "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING") throw new Error(needsTsx, { cause: error })
    throw error
  }
}
