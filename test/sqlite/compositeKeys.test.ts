import { suite } from "../suite/compositeKeys.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
