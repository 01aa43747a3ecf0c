import { suite } from "../suite/computed.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
