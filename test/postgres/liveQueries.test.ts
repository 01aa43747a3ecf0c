import { suite } from "../suite/liveQueries.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
