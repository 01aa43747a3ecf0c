import { suite } from "../suite/fuzz.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
