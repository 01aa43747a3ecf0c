import { suite } from "../suite/relations.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
