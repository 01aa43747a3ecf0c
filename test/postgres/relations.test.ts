import { suite } from "../suite/relations.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
