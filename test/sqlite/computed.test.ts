import { suite } from "../suite/computed.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
