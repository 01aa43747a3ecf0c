import { suite } from "../suite/apiSchemas.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
