package xoev

// XML namespaces of the XÖV core library (XÖV-Bibliothek 2022-10-14) and of
// the XInneres-4 base message.
const (
	// NamespaceG2G is the qualified header nachrichtenkopf.g2g
	// (xoev-basisnachricht-g2g_1.1.xsd, prefix bn-g2g).
	NamespaceG2G = "http://xoev.de/schemata/basisnachricht/g2g/1_1"
	// NamespaceG2GUnqualified is the unqualified header
	// (xoev-basisnachricht-unqualified-g2g_1.1.xsd, prefix bn-uq-g2g). Its
	// elements carry no namespace in instances; the namespace only names
	// the schema types.
	NamespaceG2GUnqualified = "http://xoev.de/schemata/basisnachricht/unqualified/g2g/1_1"
	// NamespaceBehoerde holds BehoerdeType children in the qualified form
	// (prefix bn-beh).
	NamespaceBehoerde = "http://xoev.de/schemata/basisnachricht/behoerde/1_1"
	// NamespaceKommunikation holds erreichbarkeit in the qualified form
	// (prefix bn-kom).
	NamespaceKommunikation = "http://xoev.de/schemata/basisnachricht/kommunikation/1_1"
	// NamespaceCode is the XÖV Code type (xoev-code.xsd).
	NamespaceCode = "http://xoev.de/schemata/code/1_0"
	// NamespaceXInneres4 is the older XInneres-4 base message with the
	// header element nachrichtenkopf.
	NamespaceXInneres4 = "http://www.osci.de/xinneres/basisnachricht/4"
	// NamespaceXdomea300 is xdomea 3.0.0 (root and Kopf elements
	// qualified, prefix xdomea).
	NamespaceXdomea300 = "urn:xoev-de:xdomea:schema:3.0.0"
	// NamespaceXMLDSig is the W3C XML Signature namespace (ds:Signature).
	NamespaceXMLDSig = "http://www.w3.org/2000/09/xmldsig#"
)

// Code list URIs that the 1.1 header schemas fix.
const (
	// ListURIVerzeichnisdienst is fixed for BehoerdeType/verzeichnisdienst;
	// its listVersionID is required.
	ListURIVerzeichnisdienst = "urn:xoev-de:kosit:codeliste:verzeichnisdienst"
	// ListURIErreichbarkeit is fixed for KommunikationType/kanal; its
	// listVersionID is required.
	ListURIErreichbarkeit = "urn:de:xoev:codeliste:erreichbarkeit"
	// VerzeichnisdienstDVDV is the verzeichnisdienst code of the DVDV
	// (Deutsches Verwaltungsdiensteverzeichnis).
	VerzeichnisdienstDVDV = "DVDV"
)

const (
	tagKopfG2G       = "nachrichtenkopf.g2g"
	tagKopfXInneres4 = "nachrichtenkopf"
	tagKopfXdomea    = "Kopf"
)
