import { suite } from "../suite/transactions.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
