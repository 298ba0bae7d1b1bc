// Package xoevtest provides fixtures for tests of code that uses package
// xoev: deterministic builders (fixed clock, sequential UUIDs), valid XBau
// 2.6 and XWasser 1.0.0 messages, a mutation helper for negative cases,
// hostile documents (XXE, billion laughs, deep nesting) and an in-memory
// code list Fetcher that can inject faults (missing list, substituted
// list, error, delay).
//
// Nothing here opens a network connection; use it only in tests.
//
// # Security
//
// The hostile documents are meant to be fed to parsers under test. They
// are inert bytes; building them allocates only their own size.
package xoevtest
