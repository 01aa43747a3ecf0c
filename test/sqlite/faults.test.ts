import { suite } from "../suite/faults.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
