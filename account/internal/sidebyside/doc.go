// Package sidebyside runs a benchmark of this SDK's code against its anchor
// (the bare operation underneath) in the same run, interleaved, and
// reports their ratio: the module convention for benchmarks (a ratio,
// never a timed assertion).
//
// Specifications: none; it implements no wire format.
//
// # Security
//
// Test-only helper, imported only by benchmarks: it runs the two functions
// it is given and nothing else, reads no input and logs nothing.
package sidebyside
