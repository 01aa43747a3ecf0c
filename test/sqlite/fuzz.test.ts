import { suite } from "../suite/fuzz.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
