import { suite } from "../suite/interleavings.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
