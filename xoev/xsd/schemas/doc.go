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
// Bundle.Compile compiles a bundle itself, from the bundle's precompiled
// form (xsd.Precompile, embedded from precompiled/ and checked against the
// embedded files on every Compile; about half the compile time of the
// files). After changing a bundled file, run `go generate` in this
// directory; TestPrecompiledForms fails until the forms are regenerated.
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
