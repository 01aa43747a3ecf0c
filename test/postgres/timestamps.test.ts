import { suite } from "../suite/timestamps.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
