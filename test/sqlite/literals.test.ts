import { suite } from "../suite/literals.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
