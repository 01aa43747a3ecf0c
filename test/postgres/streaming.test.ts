import { suite } from "../suite/streaming.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
