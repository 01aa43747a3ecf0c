import { suite } from "../suite/injection.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
