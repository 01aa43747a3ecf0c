/**
 * docs/chinook.md shows the Chinook ER diagram: it must be exactly what the models give
 * now (`metadata.toMermaid()`), so the page cannot go stale. No database involved.
 */
import { assert, describe, it } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import { diagramIn, docPath, withDiagram } from "../examples/chinook/diagram.js"
import { metadata, tables } from "../examples/chinook/models.js"

describe("docs/chinook.md", () => {
  it("shows the current metadata.toMermaid() in its mermaid block", () => {
    assert.isTrue(existsSync(docPath), `${docPath} is missing`)
    const markdown = readFileSync(docPath, "utf8")
    const diagram = diagramIn(markdown)
    assert.isDefined(diagram, "docs/chinook.md has no ```mermaid block")
    assert.strictEqual(
      diagram,
      metadata.toMermaid(),
      "docs/chinook.md is stale: run `npx tsx examples/chinook/diagram.ts --write`"
    )
    assert.strictEqual(markdown.split("```mermaid").length, 2, "one mermaid block only")
  })

  it("the diagram names every Chinook table and foreign key", () => {
    const diagram = metadata.toMermaid()
    for (const model of tables) assert.include(diagram, `    ${model.tableName} {`)
    assert.include(diagram, `employee |o--o{ employee : "reports_to"`)
    assert.include(diagram, `integer playlist_id PK, FK`)
    assert.strictEqual(diagram.split("\n").filter((line) => line.includes("--")).length, 11)
  })

  it("the regenerating script replaces only the mermaid block", () => {
    const markdown = "# T\n\nbefore\n\n```mermaid\nold\n```\n\nafter $& $1\n"
    assert.strictEqual(withDiagram(markdown, "new $&"), "# T\n\nbefore\n\n```mermaid\nnew $&\n```\n\nafter $& $1\n")
  })
})
