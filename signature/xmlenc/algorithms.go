package xmlenc

import (
	"crypto"
	"slices"

	"github.com/egosaar/ozg/signature"
)

// Namespaces (XML Encryption 1.1 §1.3).
const (
	NamespaceXENC   = "http://www.w3.org/2001/04/xmlenc#"
	NamespaceXENC11 = "http://www.w3.org/2009/xmlenc11#"
	NamespaceDSig   = "http://www.w3.org/2000/09/xmldsig#"
)

// Type attribute values (XML Encryption 1.1 §3.1).
const (
	TypeElement = "http://www.w3.org/2001/04/xmlenc#Element"
	TypeContent = "http://www.w3.org/2001/04/xmlenc#Content"
	// TypeEncryptedKey is the RetrievalMethod Type of an EncryptedKey (§3.5.1).
	TypeEncryptedKey = "http://www.w3.org/2001/04/xmlenc#EncryptedKey"
)

// Key transport algorithms (XML Encryption 1.1 §5.5).
const (
	// RSAOAEPMGF1P is RSA-OAEP with MGF1-SHA-1; the OAEP digest is SHA-1
	// unless a ds:DigestMethod child says otherwise (§5.5.2).
	RSAOAEPMGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
	// RSAOAEP is RSA-OAEP with the MGF given by an xenc11:MGF child
	// (default MGF1-SHA-1) and the digest by ds:DigestMethod (default
	// SHA-1) (§5.5.2).
	RSAOAEP = "http://www.w3.org/2009/xmlenc11#rsa-oaep"
	// RSA15 is RSAES-PKCS1-v1_5 (§5.5.1). Always refused: Bleichenbacher's
	// attack applies to XML Encryption in practice (Jager, Schinzel,
	// Somorovsky, ESORICS 2012).
	RSA15 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
)

// MGF algorithms for [RSAOAEP] (XML Encryption 1.1 §5.5.2).
const (
	MGF1SHA1   = "http://www.w3.org/2009/xmlenc11#mgf1sha1"
	MGF1SHA224 = "http://www.w3.org/2009/xmlenc11#mgf1sha224"
	MGF1SHA256 = "http://www.w3.org/2009/xmlenc11#mgf1sha256"
	MGF1SHA384 = "http://www.w3.org/2009/xmlenc11#mgf1sha384"
	MGF1SHA512 = "http://www.w3.org/2009/xmlenc11#mgf1sha512"
)

// Block encryption algorithms (XML Encryption 1.1 §5.2).
const (
	AES128GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
	AES192GCM = "http://www.w3.org/2009/xmlenc11#aes192-gcm"
	AES256GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
	// AES-CBC (§5.2.2) is refused unless InsecureAllowCBC: unauthenticated
	// CBC in XML Encryption is broken by a padding/parsing oracle (Jager &
	// Somorovsky, "How To Break XML Encryption", CCS 2011).
	AES128CBC    = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
	AES192CBC    = "http://www.w3.org/2001/04/xmlenc#aes192-cbc"
	AES256CBC    = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
	TripleDESCBC = "http://www.w3.org/2001/04/xmlenc#tripledes-cbc" // always refused
)

type contentAlg struct {
	keyLen int
	gcm    bool
}

var contentAlgs = map[string]contentAlg{
	AES128GCM: {16, true}, AES192GCM: {24, true}, AES256GCM: {32, true},
	AES128CBC: {16, false}, AES192CBC: {24, false}, AES256CBC: {32, false},
}

var mgfs = map[string]crypto.Hash{
	MGF1SHA1: crypto.SHA1, MGF1SHA224: crypto.SHA224, MGF1SHA256: crypto.SHA256,
	MGF1SHA384: crypto.SHA384, MGF1SHA512: crypto.SHA512,
}

// DefaultKeyTransports are the key transport algorithms allowed when
// DecrypterConfig.KeyTransports is nil.
func DefaultKeyTransports() []string { return []string{RSAOAEP, RSAOAEPMGF1P} }

// DefaultContentAlgorithms are the block encryption algorithms allowed when
// DecrypterConfig.ContentAlgorithms is nil.
func DefaultContentAlgorithms() []string { return []string{AES128GCM, AES192GCM, AES256GCM} }

// oaepDigest maps an OAEP ds:DigestMethod. SHA-1 is acceptable inside OAEP
// (no collision resistance needed) and is the spec default.
func oaepDigest(uri string) (crypto.Hash, bool) {
	if uri == "http://www.w3.org/2001/04/xmldsig-more#sha224" {
		return crypto.SHA224, true
	}
	return signature.LookupDigest(uri)
}

func allowed(list []string, uri string) bool { return slices.Contains(list, uri) }
