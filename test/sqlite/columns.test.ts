import { suite } from "../suite/columns.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
