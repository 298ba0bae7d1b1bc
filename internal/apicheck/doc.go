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
//     the reader to an internal/ package.
//
// Every violation fails the test.
//
// # Security
//
// Test-only; nothing imports it.
package apicheck
