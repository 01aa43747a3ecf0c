import { suite } from "../suite/interleavings.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
