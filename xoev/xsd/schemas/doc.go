// Package schemas bundles XÖV schema sets for offline validation with
// package xsd: XBau 2.6, XWasser 1.0.0 and xdomea 3.0.0, copied unchanged
// from their public sources (see SOURCES.md in each folder), each with the
// catalog that maps the absolute schemaLocations its files use to the
// bundled copies.
//
// XOEVCore is the XÖV core library alone (basisnachricht 1.1 headers,
// xoev-code 1.0, DIN 91379 datatypes) under its official URIs. A standard
// of one's own keeps its schema documents in any fs.FS (its own embed.FS
// or os.DirFS), imports the core by URI and compiles with the core as a
// source:
//
//	s, err := xsd.Compile(own, "xabfall.xsd", xsd.Config{
//		Sources: []xsd.Source{schemas.XOEVCore().Source()},
//	})
//
// Bundle.Compile loads a bundle from its precompiled form (xsd.Precompile,
// embedded from precompiled/): the compiled model, decoded with
// xsd.LoadPrecompiled without reading the schema files, about 6 ms for
// XBau 2.6 in a fresh process instead of 30-45 ms to compile the files.
// With a Catalog, Sources or AbsoluteImportsAsHints of the caller's it
// compiles with the form checked against the embedded files instead.
// After changing a bundled file, run `go generate` in this directory;
// TestPrecompiledForms (run by CI) fails until the forms are regenerated,
// which keeps the files the one source of truth.
// The package xoev example
// Example_ownStandard adds a standard end to end (XSD, code list, profile).
//
// # Security
//
// The bundled files are read only through the embedded file system and the
// catalog: no schemaLocation ever leads to a network fetch or to a file
// outside the bundle. The copies are byte-identical to their published
// sources (SOURCES.md records where each came from), except that the
// XML-DSig schema is the DTD-free copy, since DOCTYPE declarations are
// refused.
package schemas
