import { suite } from "../suite/json.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
