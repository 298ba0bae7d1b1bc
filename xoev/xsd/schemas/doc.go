// Package schemas bundles XÖV schema sets for offline validation with
// package xsd: XBau 2.6, XWasser 1.0.0 and xdomea 3.0.0, copied unchanged
// from their public sources (see SOURCES.md in each folder), each with the
// catalog that maps the absolute schemaLocations its files use to the
// bundled copies.
//
// Callers add their own standard's set by building a Bundle from any
// fs.FS (for example their own embed.FS or os.DirFS) with an entry path
// and catalog.
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
