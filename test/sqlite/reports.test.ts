import { suite } from "../suite/reports.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
