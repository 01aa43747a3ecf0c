import { suite } from "../suite/metadata.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
