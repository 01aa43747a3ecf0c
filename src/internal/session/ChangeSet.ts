/**
 * The pending changes of a session: rows to insert, changed columns to update, rows to
 * delete. Recorded by `add`, `update` and `delete`; emptied by the persister at flush and
 * by rollback. Called only by `src/Session.ts` and `Persister.ts`.
 */
import type * as Table from "../../Table.js"
import type { RelationDef } from "../loading/RelationDef.js"
import type { TableDef } from "../tableDef.js"

export interface PendingInsert {
  readonly model: Table.Any
  readonly def: TableDef
  readonly values: Readonly<Record<string, unknown>>
  /** Related rows to insert once this row has its key (one-to-many drafts). */
  readonly children: ReadonlyArray<{ readonly relation: RelationDef; readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>> }>
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

export class ChangeSet {
  inserts: Array<PendingInsert> = []
  updates = new Map<string, PendingUpdate>()
  deletes = new Map<string, PendingDelete>()

  get isEmpty(): boolean {
    return this.inserts.length === 0 && this.updates.size === 0 && this.deletes.size === 0
  }

  /** Takes everything pending, leaving the set empty. */
  take(): { inserts: Array<PendingInsert>; updates: Array<PendingUpdate>; deletes: Array<PendingDelete> } {
    const taken = { inserts: this.inserts, updates: [...this.updates.values()], deletes: [...this.deletes.values()] }
    this.clear()
    return taken
  }

  /** A copy, to put back if a savepoint fails. */
  snapshot(): ChangeSet {
    const copy = new ChangeSet()
    copy.inserts = [...this.inserts]
    copy.updates = new Map([...this.updates].map(([k, u]) => [k, { ...u, changes: { ...u.changes } }]))
    copy.deletes = new Map(this.deletes)
    return copy
  }

  restore(from: ChangeSet): void {
    this.inserts = from.inserts
    this.updates = from.updates
    this.deletes = from.deletes
  }

  clear(): void {
    this.inserts = []
    this.updates = new Map()
    this.deletes = new Map()
  }
}
