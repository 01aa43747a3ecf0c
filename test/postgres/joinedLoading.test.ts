import { suite } from "../suite/joinedLoading.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
