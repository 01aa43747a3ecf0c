import { suite } from "../suite/loading.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
