// Package apicheck holds only a test: it reads every package of the module
// with go/parser and reports where the public API breaks the module-wide
// conventions of CONTRIBUTING.md, so that `go doc` of every package shows
// the same constructor, error and store shape.
//
// Checked rules:
//   - a public package with an exported New…/Open… function or a Validate
//     method that returns an error exports ErrInvalidConfig;
//   - no exported ErrConfig (the one name is ErrInvalidConfig);
//   - no exported alias of an internal type, and no internal type in an
//     exported signature, struct field, variable or constant;
//   - no Config struct field InsecureAllowHTTP or InsecureCookie (the one
//     development switch is InsecureDevelopment);
//   - no comment cites a file outside the repository (a Markdown file name
//     followed by a section sign, or the shared reference folder) and no
//     doc comment of an exported identifier sends
//     the reader to an internal/ package;
//   - every library package has a doc.go with a "# Security" section;
//   - no panic in library code (bad input gets a typed error);
//   - imports point one way: signature, xoev and database import no other
//     top-level package of the module, and account, payment, notify and
//     fitconnect import signature only (internal/ is shared by all;
//     examples and external _test packages compose freely).
//
// Every violation fails the test.
//
// # Security
//
// Test-only; nothing imports it.
package apicheck
