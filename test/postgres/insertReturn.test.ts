import { suite } from "../suite/insertReturn.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
