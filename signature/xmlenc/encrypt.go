package xmlenc

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/signature"
)

// KeyPlacement says where [Encrypter] puts the xenc:EncryptedKey.
type KeyPlacement int

const (
	// KeyInKeyInfo puts the EncryptedKey inside EncryptedData/ds:KeyInfo
	// (the default; XML Encryption 1.1 §3.5.1).
	KeyInKeyInfo KeyPlacement = iota
	// KeySibling returns the EncryptedKey separately, to be placed as a
	// sibling of the EncryptedData (SAML 2.0 EncryptedAssertion, SAML Core
	// §2.2.4); EncryptedData/ds:KeyInfo then holds a ds:RetrievalMethod
	// pointing to it by Id, and the EncryptedKey a DataReference back.
	KeySibling
)

// EncrypterConfig configures an [Encrypter].
type EncrypterConfig struct {
	// Recipient is the recipient's certificate; its RSA public key is used
	// and it is written into EncryptedKey/ds:KeyInfo/ds:X509Data. Either
	// Recipient or PublicKey is required.
	Recipient *x509.Certificate
	// PublicKey is the recipient's RSA public key, used when Recipient is
	// nil.
	PublicKey crypto.PublicKey
	// KeyTransport is [RSAOAEP] (default) or [RSAOAEPMGF1P].
	KeyTransport string
	// KeyTransportDigest is the OAEP digest method URI; "" means SHA-256
	// for [RSAOAEP] and SHA-1 for [RSAOAEPMGF1P] (the only digest older
	// implementations such as xmlsec1 1.2 accept there).
	KeyTransportDigest string
	// MGF is the MGF1 URI for [RSAOAEP]; "" means [MGF1SHA256]. Ignored
	// (always MGF1-SHA-1) for [RSAOAEPMGF1P].
	MGF string
	// Content is the block encryption algorithm; "" means [AES256GCM].
	Content string
	// KeyPlacement; zero value [KeyInKeyInfo].
	KeyPlacement KeyPlacement
	// InsecureAllowCBC permits an AES-CBC Content, for interoperability
	// tests with legacy recipients only.
	InsecureAllowCBC bool
}

// Encrypter produces XML Encryption EncryptedData elements for one
// recipient. It is immutable and safe for concurrent use.
type Encrypter struct {
	pub       *rsa.PublicKey
	cert      *x509.Certificate
	transport string
	oaep      rsa.OAEPOptions
	digestURI string
	mgfURI    string
	content   string
	alg       contentAlg
	placement KeyPlacement
}

// NewEncrypter validates cfg and returns an Encrypter.
func NewEncrypter(cfg EncrypterConfig) (*Encrypter, error) {
	v, err := newEncrypter(cfg)
	if err != nil {
		return nil, invalidConfig(err)
	}
	return v, nil
}

func newEncrypter(cfg EncrypterConfig) (*Encrypter, error) {
	e := &Encrypter{cert: cfg.Recipient, placement: cfg.KeyPlacement}
	pubAny := cfg.PublicKey
	if cfg.Recipient != nil {
		pubAny = cfg.Recipient.PublicKey
	}
	pub, ok := pubAny.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: recipient key type %T (RSA required)", ErrUnsupported, pubAny)
	}
	if err := (signature.Policy{}).CheckPublicKey(pub); err != nil {
		return nil, err
	}
	e.pub = pub
	if cfg.KeyPlacement != KeyInKeyInfo && cfg.KeyPlacement != KeySibling {
		return nil, errors.New("xmlenc: encrypter config: unknown KeyPlacement")
	}
	e.transport = cfg.KeyTransport
	if e.transport == "" {
		e.transport = RSAOAEP
	}
	switch e.transport {
	case RSAOAEP:
		e.digestURI = cfg.KeyTransportDigest
		if e.digestURI == "" {
			e.digestURI = signature.DigestSHA256
		}
		e.mgfURI = cfg.MGF
		if e.mgfURI == "" {
			e.mgfURI = MGF1SHA256
		}
		h, ok := mgfs[e.mgfURI]
		if !ok {
			return nil, &signature.AlgorithmError{URI: e.mgfURI}
		}
		e.oaep.MGFHash = h
	case RSAOAEPMGF1P:
		e.digestURI = cfg.KeyTransportDigest
		if e.digestURI == "" {
			e.digestURI = signature.DigestSHA1
		}
		e.oaep.MGFHash = crypto.SHA1
	default:
		return nil, &signature.AlgorithmError{URI: e.transport}
	}
	h, ok := oaepDigest(e.digestURI)
	if !ok {
		return nil, &signature.AlgorithmError{URI: e.digestURI}
	}
	e.oaep.Hash = h
	e.content = cfg.Content
	if e.content == "" {
		e.content = AES256GCM
	}
	a, ok := contentAlgs[e.content]
	if !ok || (!a.gcm && !cfg.InsecureAllowCBC) {
		return nil, &signature.AlgorithmError{URI: e.content}
	}
	e.alg = a
	return e, nil
}

// Encrypted is the result of [Encrypter.Encrypt].
type Encrypted struct {
	// EncryptedData is the xenc:EncryptedData element.
	EncryptedData *etree.Element
	// EncryptedKey is the sibling xenc:EncryptedKey with [KeySibling]; nil
	// with [KeyInKeyInfo] (it is inside EncryptedData then).
	EncryptedKey *etree.Element
}

// EncryptElement encrypts a copy of el (Type Element, XML Encryption 1.1
// §3.1) with a fresh content key and returns the xenc:EncryptedData
// element with the EncryptedKey inside its ds:KeyInfo. With [KeySibling]
// use [Encrypter.Encrypt] instead. el itself is not modified.
func (e *Encrypter) EncryptElement(el *etree.Element) (*etree.Element, error) {
	if e.placement == KeySibling {
		return nil, fmt.Errorf("%w: EncryptElement needs KeyInKeyInfo placement; use Encrypt for KeySibling", ErrInvalidConfig)
	}
	res, err := e.Encrypt(el)
	if err != nil {
		return nil, err
	}
	return res.EncryptedData, nil
}

// Encrypt encrypts a copy of el; see [Encrypter.EncryptElement]. Namespace
// declarations in scope at el are copied onto the serialised copy so the
// plaintext is a self-contained element.
func (e *Encrypter) Encrypt(el *etree.Element) (*Encrypted, error) {
	if el == nil {
		return nil, errors.New("xmlenc: encrypt: nil element")
	}
	cp := el.Copy()
	for _, n := range inScopeNamespaces(el) {
		if !hasNSDecl(cp, n.prefix) {
			key := "xmlns"
			if n.prefix != "" {
				key = "xmlns:" + n.prefix
			}
			cp.CreateAttr(key, n.uri)
		}
	}
	doc := etree.NewDocument()
	doc.SetRoot(cp)
	pt, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("xmlenc: encrypt: serialise: %w", err)
	}
	return e.EncryptBytes(pt, TypeElement)
}

// EncryptBytes encrypts arbitrary octets; typ is written as the Type
// attribute ("" omits it).
func (e *Encrypter) EncryptBytes(plaintext []byte, typ string) (*Encrypted, error) {
	cek := make([]byte, e.alg.keyLen)
	if _, err := rand.Read(cek); err != nil {
		return nil, err
	}
	ct, err := encryptContent(e.alg, cek, plaintext)
	if err != nil {
		return nil, err
	}
	ekct, err := rsa.EncryptOAEPWithOptions(rand.Reader, e.pub, cek, &e.oaep)
	if err != nil {
		return nil, fmt.Errorf("xmlenc: encrypt key: %w", err)
	}
	dataID, keyID := newID(), newID()

	ed := etree.NewElement("xenc:EncryptedData")
	ed.CreateAttr("xmlns:xenc", NamespaceXENC)
	ed.CreateAttr("Id", dataID)
	if typ != "" {
		ed.CreateAttr("Type", typ)
	}
	ed.CreateElement("xenc:EncryptionMethod").CreateAttr("Algorithm", e.content)
	ki := ed.CreateElement("ds:KeyInfo")
	ki.CreateAttr("xmlns:ds", NamespaceDSig)

	ek := etree.NewElement("xenc:EncryptedKey")
	ek.CreateAttr("Id", keyID)
	em := ek.CreateElement("xenc:EncryptionMethod")
	em.CreateAttr("Algorithm", e.transport)
	dm := em.CreateElement("ds:DigestMethod")
	dm.CreateAttr("Algorithm", e.digestURI)
	if e.transport == RSAOAEP {
		mgf := em.CreateElement("xenc11:MGF")
		mgf.CreateAttr("xmlns:xenc11", NamespaceXENC11)
		mgf.CreateAttr("Algorithm", e.mgfURI)
	}
	if e.cert != nil {
		eki := ek.CreateElement("ds:KeyInfo")
		eki.CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").SetText(base64.StdEncoding.EncodeToString(e.cert.Raw))
	}
	ek.CreateElement("xenc:CipherData").CreateElement("xenc:CipherValue").SetText(base64.StdEncoding.EncodeToString(ekct))

	res := &Encrypted{EncryptedData: ed}
	if e.placement == KeySibling {
		rm := ki.CreateElement("ds:RetrievalMethod")
		rm.CreateAttr("Type", TypeEncryptedKey)
		rm.CreateAttr("URI", "#"+keyID)
		ek.CreateAttr("xmlns:xenc", NamespaceXENC)
		ek.CreateAttr("xmlns:ds", NamespaceDSig)
		ek.CreateElement("xenc:ReferenceList").CreateElement("xenc:DataReference").CreateAttr("URI", "#"+dataID)
		res.EncryptedKey = ek
	} else {
		ki.AddChild(ek)
	}
	ed.CreateElement("xenc:CipherData").CreateElement("xenc:CipherValue").SetText(base64.StdEncoding.EncodeToString(ct))
	return res, nil
}

func encryptContent(a contentAlg, key, pt []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if a.gcm {
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(pt)+aead.Overhead())
		if _, err := rand.Read(out); err != nil {
			return nil, err
		}
		return aead.Seal(out, out[:aead.NonceSize()], pt, nil), nil
	}
	bs := block.BlockSize()
	pad := bs - len(pt)%bs
	buf := make([]byte, bs+len(pt)+pad)
	if _, err := rand.Read(buf[:bs]); err != nil {
		return nil, err
	}
	copy(buf[bs:], pt)
	for i := bs + len(pt); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, buf[:bs]).CryptBlocks(buf[bs:], buf[bs:])
	return buf, nil
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return "_" + hex.EncodeToString(b)
}
