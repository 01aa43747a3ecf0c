import { suite } from "../suite/events.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
