import { suite } from "../suite/strings.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
