/**
 * The Chinook ER diagram, from the models: `metadata.toMermaid()`.
 *
 *   npx tsx examples/chinook/diagram.ts           # prints the Mermaid source
 *   npx tsx examples/chinook/diagram.ts --write   # replaces the ```mermaid block of docs/chinook.md
 *
 * `test/chinook-doc.test.ts` fails when docs/chinook.md no longer shows the current diagram.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { metadata } from "./models.js"

/** The documentation page that shows the diagram. */
export const docPath = fileURLToPath(new URL("../../docs/chinook.md", import.meta.url))

const block = /```mermaid\n([\s\S]*?)\n```/

/** The Mermaid source in the page's (first) ```mermaid block, if it has one. */
export const diagramIn = (markdown: string): string | undefined => block.exec(markdown)?.[1]

/** `markdown` with its ```mermaid block replaced by `diagram`. */
export const withDiagram = (markdown: string, diagram: string): string => {
  if (!block.test(markdown)) throw new Error("no ```mermaid block to replace")
  return markdown.replace(block, () => `\`\`\`mermaid\n${diagram}\n\`\`\``)
}

const isMain = (): boolean => {
  const script = process.argv[1]
  return script !== undefined && resolve(script) === fileURLToPath(import.meta.url)
}

if (isMain()) {
  const diagram = metadata.toMermaid()
  if (process.argv.includes("--write")) {
    writeFileSync(docPath, withDiagram(readFileSync(docPath, "utf8"), diagram))
    console.log(`updated ${docPath}`)
  } else {
    console.log(diagram)
  }
}
