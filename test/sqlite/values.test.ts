import { suite } from "../suite/values.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
