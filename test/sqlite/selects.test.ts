import { suite } from "../suite/selects.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
