package xmldsig

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"math/big"
	"strings"
	"sync"

	"github.com/beevik/etree"
)

const (
	nsDSig11 = "http://www.w3.org/2009/xmldsig11#"
	// maxKeyInfoCerts bounds the certificates parsed from one KeyInfo.
	maxKeyInfoCerts = 16
)

// KeyInfoError reports a KeyInfo that identifies no trusted key: no
// KeyInfo, no certificate, a RetrievalMethod, key data that disagrees with
// the certificate, or a certificate the TrustStore refuses, when no pinned
// key verifies the signature either. It unwraps to [ErrUntrustedKey] and,
// when set, to Err.
type KeyInfoError struct {
	// Reason is a short description.
	Reason string
	// Err is why KeyInfo itself named no trusted key when the pinned keys
	// were tried as well (for example a [*signature.TrustError] or another
	// *KeyInfoError); nil otherwise.
	Err error
}

func (e *KeyInfoError) Error() string {
	if e.Err != nil {
		return "xmldsig: unusable KeyInfo: " + e.Reason + " (" + strings.TrimPrefix(strings.TrimPrefix(e.Err.Error(), "xmldsig: "), "unusable KeyInfo: ") + ")"
	}
	return "xmldsig: unusable KeyInfo: " + e.Reason
}

// Unwrap returns [ErrUntrustedKey] and Err.
func (e *KeyInfoError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrUntrustedKey, e.Err}
	}
	return []error{ErrUntrustedKey}
}

// certificatesFromKeyInfo returns the leaf certificate and the other
// certificates of KeyInfo/X509Data, after checking that every other piece
// of key information in KeyInfo agrees with the leaf. KeyInfo is not
// signed: the result is only a candidate for the TrustStore.
func certificatesFromKeyInfo(ki *etree.Element, cache *certCache) (*x509.Certificate, []*x509.Certificate, error) {
	if ki == nil {
		return nil, nil, &KeyInfoError{Reason: "no KeyInfo; the signer's certificate is required"}
	}
	var certs []*x509.Certificate
	var keyValues, issuerSerials, skis []*etree.Element
	for _, t := range ki.Child {
		k, ok := t.(*etree.Element)
		if !ok {
			continue
		}
		ns := namespaceIn(k, ki, nsDSig)
		switch {
		case ns == nsDSig && k.Tag == "X509Data":
			for _, t := range k.Child {
				x, ok := t.(*etree.Element)
				if !ok {
					continue
				}
				if namespaceIn(x, k, nsDSig) != nsDSig {
					return nil, nil, &KeyInfoError{Reason: "unsupported X509Data child " + quote(x.Tag)}
				}
				switch x.Tag {
				case "X509Certificate":
					if len(certs) >= maxKeyInfoCerts {
						return nil, nil, &LimitError{Limit: "certificates in KeyInfo", Max: maxKeyInfoCerts}
					}
					text, err := textOf(x)
					if err != nil {
						return nil, nil, &KeyInfoError{Reason: "X509Certificate is not base64"}
					}
					c, err := cache.parse(text)
					if err != nil {
						return nil, nil, err
					}
					certs = append(certs, c)
				case "X509IssuerSerial":
					issuerSerials = append(issuerSerials, x)
				case "X509SKI":
					skis = append(skis, x)
				case "X509SubjectName", "X509CRL":
					// Informational; the certificate decides.
				default:
					return nil, nil, &KeyInfoError{Reason: "unsupported X509Data child " + quote(x.Tag)}
				}
			}
		case ns == nsDSig && k.Tag == "KeyValue":
			keyValues = append(keyValues, k)
		case ns == nsDSig && k.Tag == "KeyName":
			// A hint only; never used to select a key.
		case k.Tag == "RetrievalMethod":
			return nil, nil, &KeyInfoError{Reason: "RetrievalMethod is not followed"}
		default:
			return nil, nil, &KeyInfoError{Reason: "unsupported KeyInfo child " + quote(k.Tag)}
		}
	}
	if len(certs) == 0 {
		return nil, nil, &KeyInfoError{Reason: "no X509Certificate in KeyInfo"}
	}
	leaf := pickLeaf(certs)
	var others []*x509.Certificate
	for _, c := range certs {
		if c != leaf {
			others = append(others, c)
		}
	}
	for _, kv := range keyValues {
		if err := keyValueMatches(kv, leaf); err != nil {
			return nil, nil, err
		}
	}
	for _, is := range issuerSerials {
		var serial *etree.Element
		for _, x := range is.ChildElements() {
			if x.Tag == "X509SerialNumber" {
				serial = x
			}
		}
		if serial == nil {
			return nil, nil, &KeyInfoError{Reason: "X509IssuerSerial without serial number"}
		}
		s, _ := textOf(serial)
		n, ok := new(big.Int).SetString(trimSpace(s), 10)
		if !ok || n.Cmp(leaf.SerialNumber) != 0 {
			return nil, nil, &KeyInfoError{Reason: "X509IssuerSerial does not match the certificate"}
		}
	}
	for _, ski := range skis {
		b, err := base64Of(ski)
		if err != nil || len(leaf.SubjectKeyId) == 0 || !bytes.Equal(b, leaf.SubjectKeyId) {
			return nil, nil, &KeyInfoError{Reason: "X509SKI does not match the certificate"}
		}
	}
	return leaf, others, nil
}

// certCache keeps parsed certificates by their base64 text as found in
// KeyInfo, so that verifying many documents from the same signer neither
// decodes nor parses its certificate chain every time (together about a
// sixth of a 2 KB verification). Parsed certificates are immutable; the
// text is the exact key, so a certificate written with other line breaks
// is one more entry. The cache is cleared when full.
type certCache struct {
	mu sync.Mutex
	m  map[string]*x509.Certificate
}

const (
	certCacheSize = 256
	// maxCertText bounds the text of one cached certificate; longer ones
	// are parsed every time.
	maxCertText = 16 << 10
)

func (c *certCache) parse(text string) (*x509.Certificate, error) {
	c.mu.Lock()
	cert, ok := c.m[text]
	c.mu.Unlock()
	if ok {
		return cert, nil
	}
	der, err := decodeBase64(text)
	if err != nil {
		return nil, &KeyInfoError{Reason: "X509Certificate is not base64"}
	}
	cert, err = x509.ParseCertificate(der)
	if err != nil {
		return nil, &KeyInfoError{Reason: "X509Certificate does not parse"}
	}
	if len(text) <= maxCertText {
		c.mu.Lock()
		if c.m == nil || len(c.m) >= certCacheSize {
			c.m = make(map[string]*x509.Certificate)
		}
		c.m[strings.Clone(text)] = cert
		c.mu.Unlock()
	}
	return cert, nil
}

// pickLeaf returns the certificate that issued none of the others (the end
// of the path); the first certificate when that is ambiguous.
func pickLeaf(certs []*x509.Certificate) *x509.Certificate {
	for _, c := range certs {
		issuer := false
		for _, d := range certs {
			if d != c && bytes.Equal(d.RawIssuer, c.RawSubject) && !bytes.Equal(d.RawSubject, d.RawIssuer) {
				issuer = true
				break
			}
		}
		if !issuer {
			return c
		}
	}
	return certs[0]
}

// keyValueMatches checks a KeyValue (XML-DSig 1.1 §4.6.2) against the
// certificate's public key.
func keyValueMatches(kv *etree.Element, leaf *x509.Certificate) error {
	kids := kv.ChildElements()
	if len(kids) != 1 {
		return &KeyInfoError{Reason: "KeyValue must hold one key"}
	}
	k := kids[0]
	switch {
	case k.Tag == "RSAKeyValue" && k.NamespaceURI() == nsDSig:
		pub, ok := leaf.PublicKey.(*rsa.PublicKey)
		if !ok {
			return &KeyInfoError{Reason: "KeyValue does not match the certificate"}
		}
		var mod, exp []byte
		for _, x := range k.ChildElements() {
			b, err := base64Of(x)
			if err != nil {
				return &KeyInfoError{Reason: "RSAKeyValue is not base64"}
			}
			switch x.Tag {
			case "Modulus":
				mod = b
			case "Exponent":
				exp = b
			}
		}
		if mod == nil || exp == nil ||
			new(big.Int).SetBytes(mod).Cmp(pub.N) != 0 ||
			new(big.Int).SetBytes(exp).Cmp(big.NewInt(int64(pub.E))) != 0 {
			return &KeyInfoError{Reason: "KeyValue does not match the certificate"}
		}
		return nil
	case k.Tag == "ECKeyValue" && k.NamespaceURI() == nsDSig11:
		pub, ok := leaf.PublicKey.(*ecdsa.PublicKey)
		if !ok {
			return &KeyInfoError{Reason: "KeyValue does not match the certificate"}
		}
		want, err := pub.Bytes()
		if err != nil {
			return &KeyInfoError{Reason: "certificate key cannot be encoded"}
		}
		for _, x := range k.ChildElements() {
			if x.Tag == "PublicKey" {
				b, err := base64Of(x)
				if err == nil && bytes.Equal(b, want) {
					return nil
				}
			}
		}
		return &KeyInfoError{Reason: "KeyValue does not match the certificate"}
	}
	return &KeyInfoError{Reason: "unsupported KeyValue " + quote(k.Tag)}
}

func trimSpace(s string) string {
	return string(bytes.TrimSpace([]byte(s)))
}
