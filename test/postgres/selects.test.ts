import { suite } from "../suite/selects.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
