import { suite } from "../suite/sessionWarnings.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
