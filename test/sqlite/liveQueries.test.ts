import { suite } from "../suite/liveQueries.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
