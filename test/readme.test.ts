/**
 * Every TypeScript block of the README and of the guide pages (docs/guide/*.md) compiles
 * on its own: each ```ts / ```typescript block is written to a file of its own (in a
 * folder inside the repository, so that node_modules resolve) and all of them are
 * type-checked in one program, with "retort-orm" mapped to src/. A block meant as a
 * partial fragment says so in its fence (```ts fragment) and is left out.
 */
import { assert, describe, it } from "@effect/vitest"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import { diagnostics } from "./harness/typeCheck.js"

const root = resolve(import.meta.dirname, "..")

interface Block {
  readonly doc: string
  /** The 1-based line of the block's first line of code in `doc`. */
  readonly line: number
  readonly code: string
}

/** The checked blocks of a Markdown file: fences whose info string is exactly `ts` or `typescript`. */
const blocksOf = (doc: string, text: string): ReadonlyArray<Block> => {
  const blocks: Array<Block> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]!)
    if (open === null) continue
    const [, indent, fence, info] = open
    const end = lines.findIndex((l, j) => j > i && l.trimStart().startsWith(fence!) && l.trim() === fence!.trim())
    const stop = end === -1 ? lines.length : end
    if (/^(ts|typescript)$/.test(info!.trim())) {
      blocks.push({ doc, line: i + 2, code: lines.slice(i + 1, stop).map((l) => l.slice(indent!.length)).join("\n") })
    }
    i = stop
  }
  return blocks
}

const documents = ["README.md", ...readdirSync(join(root, "docs/guide")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/guide/${f}`)]

describe("README and guide code blocks", () => {
  it("every ```ts block compiles on its own, importing \"retort-orm\"", () => {
    const blocks = documents.flatMap((doc) => blocksOf(doc, readFileSync(join(root, doc), "utf8")))
    assert.isAbove(blocks.filter((b) => b.doc === "README.md").length, 5)
    for (const block of blocks) {
      assert.notMatch(block.code, /from "retort"|from "\.\.?\//, `${block.doc}:${block.line}: import from "retort-orm", not a path or "retort"`)
    }
    const dir = join(root, `.readme-blocks-${process.pid}`)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir)
    try {
      const files = blocks.map((block, i) => {
        const file = join(dir, `block${i}.ts`)
        // `export {}`: each block is a module of its own, as a file of the reader's would be.
        writeFileSync(file, `${block.code}\nexport {}\n`)
        return file
      })
      const found = diagnostics(files, {
        // "retort-orm" is this repository's src/, whatever package.json and tsconfig say.
        paths: { "retort-orm": [join(root, "src/index.ts")], "retort-orm/*": [join(root, "src/*.ts")] },
        // Snippets declare what they show without always using it.
        noUnusedLocals: false,
        noUnusedParameters: false
      })
      const report = found.map((d) => {
        const index = d.file === undefined ? -1 : files.indexOf(resolve(d.file))
        if (index === -1) return `${d.file === undefined ? "" : relative(root, d.file)}:${d.line}: ${d.message}`
        const block = blocks[index]!
        return `${block.doc}:${block.line + d.line - 1}: ${d.message}`
      })
      if (report.length > 0) assert.fail(`${report.length} diagnostics in code blocks:\n${report.join("\n")}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
