/**
 * The pending changes of one transaction level: rows to insert, changed columns to
 * update, rows to delete. Filled by the level's unit of work (`UnitOfWork.ts`, from the
 * session's `add`, `update` and `delete`), emptied by the persister at flush, handed to
 * the parent level when a nested block succeeds, dropped when it fails.
 */
import type * as Table from "../../Table.js"
import type { RelationDef } from "../loading/RelationDef.js"
import type { TableDef } from "../tableDef.js"

/** Drafts of one relation (`Relation.drafts`), as the session recorded them. */
export interface DraftGroup {
  readonly relation: RelationDef
  readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>>
}

/** The `children` of a pending insert with no drafts: one shared empty list, not one per row. */
export const noDrafts: ReadonlyArray<DraftGroup> = Object.freeze([])

export interface PendingInsert {
  readonly model: Table.Any
  readonly def: TableDef
  /** Validated, except for a row with `parents`: checked without its foreign key, validated once it is filled. */
  readonly values: Readonly<Record<string, unknown>>
  /** Related rows to insert once this row has its key (one-to-many drafts). */
  readonly children: ReadonlyArray<DraftGroup>
  /** Rows this one points at, inserted before it, their keys filling its foreign key (many-to-one drafts, validated). */
  readonly parents?: ReadonlyArray<DraftGroup> | undefined
  /** Many-to-many drafts: new target rows (validated) or existing instances, each linked by an association row. */
  readonly links?: ReadonlyArray<DraftGroup> | undefined
  /** At flush only: the rows that wait for this one's key (`Drafts.ts`). */
  readonly releases?: ReadonlyArray<Release> | undefined
}

/** A row of a flush that waits for rows it points at: inserted once each has filled its part of the key. */
export interface Held {
  readonly model: Table.Any
  readonly def: TableDef
  readonly values: Record<string, unknown>
  /** The rows it still waits for. */
  waiting: number
  readonly children: ReadonlyArray<DraftGroup>
  readonly releases: Array<Release>
}

/** What the insert of a row gives a held row: `[held field, inserted row's field]` pairs. */
export interface Release {
  readonly held: Held
  readonly pairs: ReadonlyArray<readonly [string, string]>
}

export interface PendingUpdate {
  readonly model: Table.Any
  readonly def: TableDef
  /** The instance as last written or read: its primary key and version locate the row. */
  readonly original: Readonly<Record<string, unknown>>
  /** The changed fields only, merged across successive updates. */
  readonly changes: Record<string, unknown>
}

export interface PendingDelete {
  readonly model: Table.Any
  readonly def: TableDef
  readonly entity: Readonly<Record<string, unknown>>
}

// A session is made per request and most never write: its maps are made on first use.
export class ChangeSet {
  inserts: Array<PendingInsert> = []
  private updateMap: Map<string, PendingUpdate> | undefined
  private deleteMap: Map<string, PendingDelete> | undefined

  get updates(): Map<string, PendingUpdate> {
    return this.updateMap ??= new Map()
  }

  set updates(map: Map<string, PendingUpdate>) {
    this.updateMap = map
  }

  get deletes(): Map<string, PendingDelete> {
    return this.deleteMap ??= new Map()
  }

  set deletes(map: Map<string, PendingDelete>) {
    this.deleteMap = map
  }

  /** Whether any row is deleted here (without making the map). */
  get hasDeletes(): boolean {
    return this.deleteMap !== undefined && this.deleteMap.size > 0
  }

  /** Whether the row with this identity key is deleted here (without making the map). */
  hasDelete(key: string): boolean {
    return this.deleteMap !== undefined && this.deleteMap.has(key)
  }

  get isEmpty(): boolean {
    return this.inserts.length === 0 && (this.updateMap === undefined || this.updateMap.size === 0) &&
      (this.deleteMap === undefined || this.deleteMap.size === 0)
  }

  /** Takes everything pending, leaving the set empty. */
  take(): { inserts: Array<PendingInsert>; updates: Array<PendingUpdate>; deletes: Array<PendingDelete> } {
    const taken = {
      inserts: this.inserts,
      updates: this.updateMap === undefined ? [] : [...this.updateMap.values()],
      deletes: this.deleteMap === undefined ? [] : [...this.deleteMap.values()]
    }
    this.clear()
    return taken
  }

  /**
   * Adds the changes of a child level that succeeded but still had some pending (a fiber
   * it forked recorded them after its last flush): they are now this level's. A child's
   * update of a row this level also updates is merged into one; a child's delete wins.
   */
  append(child: ChangeSet): void {
    this.inserts.push(...child.inserts)
    for (const [key, update] of child.updates) {
      if (this.deletes.has(key)) continue
      const mine = this.updates.get(key)
      this.updates.set(key, mine === undefined ? update : { ...mine, changes: { ...mine.changes, ...update.changes } })
    }
    for (const [key, pending] of child.deletes) {
      const mine = this.updates.get(key)
      this.updates.delete(key)
      this.deletes.set(key, mine === undefined ? pending : { ...pending, entity: mine.original })
    }
  }

  clear(): void {
    this.inserts = []
    this.updateMap = undefined
    this.deleteMap = undefined
  }
}
