import { suite } from "../suite/compositeKeys.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
