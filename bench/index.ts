/**
 * Benchmarks side by side with the raw drivers arrive with the benchmark issue.
 * Until then this script says so, rather than printing numbers that mean nothing.
 */
console.log("retort bench: no benchmarks yet (see the benchmark issue); nothing was measured.")
