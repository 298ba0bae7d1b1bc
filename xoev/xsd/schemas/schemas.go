package schemas

import (
	"embed"
	"io/fs"
)

//go:embed xbau-2.6/*.xsd xbau-2.6/SOURCES.md
//go:embed xwasser-1.0.0/*.xsd xwasser-1.0.0/SOURCES.md xwasser-1.0.0/remote
//go:embed xdomea-3.0.0/SOURCES.md xdomea-3.0.0/schemes
var files embed.FS

// Bundle is a schema set: a file system, the entry schema document inside
// it and the catalog (absolute schemaLocation URI → path in FS).
type Bundle struct {
	Name    string
	FS      fs.FS
	Entry   string
	Catalog map[string]string
}

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		// fs.Sub only fails for an invalid path; dir is a constant.
		return files
	}
	return f
}

// XBau26 is XBau 2.6 (namespace http://www.xleitstelle.de/xbau/2/6) with
// the XBau-Kernmodul 1.3.0 and XÖV core schemas; entry
// xbau-nachrichten-baugenehmigung.xsd. All locations are relative.
func XBau26() Bundle {
	return Bundle{Name: "XBau 2.6", FS: sub("xbau-2.6"), Entry: "xbau-nachrichten-baugenehmigung.xsd", Catalog: map[string]string{}}
}

// XWasser100 is XWasser 1.0.0; entry xwasser.xsd. Its imports use absolute
// http(s)://xoev.de/… and https://www.w3.org/… locations, mapped by the
// catalog to remote/ (the XML Signature schema is the DTD-free copy).
func XWasser100() Bundle {
	return Bundle{Name: "XWasser 1.0.0", FS: sub("xwasser-1.0.0"), Entry: "xwasser.xsd", Catalog: map[string]string{
		"http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1/xoev-basisnachricht-unqualified-g2g_1.1.xsd": "remote/xoev-basisnachricht-unqualified-g2g_1.1.xsd",
		"http://xoev.de/schemata/code/1_0/xoev-code.xsd":                                                         "remote/xoev-code.xsd",
		"https://xoev.de/schemata/din/91379/2022-08/din-norm-91379-datatypes.xsd":                                "remote/din-norm-91379-datatypes.xsd",
		"https://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd":                                             "remote/xmldsig-core-schema.nodtd.xsd",
		"http://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd":                                              "remote/xmldsig-core-schema.nodtd.xsd",
		"http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd":                            "remote/xmldsig-core-schema.nodtd.xsd",
	}}
}

// Xdomea300 is xdomea 3.0.0 (namespace urn:xoev-de:xdomea:schema:3.0.0);
// entry schemes/xdomea_3.0.0/xdomea.xsd. All locations are relative.
func Xdomea300() Bundle {
	return Bundle{Name: "xdomea 3.0.0", FS: sub("xdomea-3.0.0"), Entry: "schemes/xdomea_3.0.0/xdomea.xsd", Catalog: map[string]string{}}
}

// All returns the bundled sets.
func All() []Bundle { return []Bundle{XBau26(), XWasser100(), Xdomea300()} }
