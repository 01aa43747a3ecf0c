import { suite } from "../suite/metadata.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
