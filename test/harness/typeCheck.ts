/**
 * Type-checks generated files with the TypeScript compiler API under the project's
 * compiler options (test/suite/autogenerate.ts, test/suite/inspectModels.ts,
 * test/readme.test.ts, which adds options of its own).
 *
 * The compiler is loaded with `require` and typed by the few members used here: importing
 * "typescript" would make the project's own type-check parse and bind its 11,000-line
 * declaration file for these two call sites.
 */
import { createRequire } from "node:module"
import { join, resolve } from "node:path"

interface Diagnostic {
  readonly file: { readonly fileName: string; getLineAndCharacterOfPosition(pos: number): { readonly line: number } } | undefined
  readonly start: number | undefined
  readonly messageText: unknown
}

interface Compiler {
  readonly sys: { readFile(path: string): string | undefined }
  readConfigFile(path: string, readFile: (path: string) => string | undefined): { readonly config?: unknown }
  parseJsonConfigFileContent(json: unknown, host: unknown, basePath: string): { readonly options: Record<string, unknown> }
  createProgram(rootNames: ReadonlyArray<string>, options: Record<string, unknown>): unknown
  getPreEmitDiagnostics(program: unknown): ReadonlyArray<Diagnostic>
  flattenDiagnosticMessageText(messageText: unknown, newLine: string): string
}

const ts = createRequire(import.meta.url)("typescript") as Compiler

const root = resolve(import.meta.dirname, "../..")

/** One diagnostic: the file (absent for a global one), its 1-based line, the message. */
export interface Found {
  readonly file: string | undefined
  readonly line: number
  readonly message: string
}

/**
 * The diagnostics of the given files, in one program, under the project's compiler
 * options with `extra` laid over them.
 */
export const diagnostics = (files: ReadonlyArray<string>, extra: Record<string, unknown> = {}): ReadonlyArray<Found> => {
  const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  // Not incremental: these programs are thrown away, nothing reads a build-info file of theirs.
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, incremental: false, ...extra })
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file?.fileName,
    line: d.file === undefined ? 0 : d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n")
  }))
}

/** The diagnostics of the given files, in one program, under the project's compiler options. */
export const typeCheck = (files: ReadonlyArray<string>): ReadonlyArray<string> =>
  diagnostics(files).map((d) => `${d.file === undefined ? "" : `${d.file}:${d.line}: `}${d.message}`)
