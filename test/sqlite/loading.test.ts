import { suite } from "../suite/loading.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
