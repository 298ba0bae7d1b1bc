package xmlenc

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/redact"
	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature"
)

// DefaultMaxPlaintextBytes is the plaintext limit when
// DecrypterConfig.MaxPlaintextBytes is zero.
const DefaultMaxPlaintextBytes = 16 << 20

// maxEncryptedKeys bounds how many EncryptedKey candidates are tried.
const maxEncryptedKeys = 8

// DecrypterConfig configures a [Decrypter].
type DecrypterConfig struct {
	// Key is the recipient's RSA private key (a *rsa.PrivateKey, or an HSM
	// handle implementing crypto.Decrypter with *rsa.OAEPOptions). Required.
	Key crypto.Decrypter
	// KeyTransports allow-lists key transport algorithms; nil means
	// [DefaultKeyTransports] (RSA-OAEP in both spellings). RSA PKCS#1 v1.5
	// is refused even if listed.
	KeyTransports []string
	// ContentAlgorithms allow-lists block encryption algorithms; nil means
	// [DefaultContentAlgorithms] (AES-GCM), plus AES-CBC when
	// InsecureAllowCBC is set. CBC listed here still needs
	// InsecureAllowCBC.
	ContentAlgorithms []string
	// InsecureAllowCBC allows AES-CBC content encryption (legacy IdPs).
	// Unauthenticated CBC is open to padding and parsing oracles; only use
	// it when the EncryptedData is inside content whose signature is
	// verified afterwards, and never expose error details.
	InsecureAllowCBC bool
	// MaxPlaintextBytes limits the plaintext (and so the ciphertext); zero
	// means [DefaultMaxPlaintextBytes].
	MaxPlaintextBytes int64
	// MaxDepth, MaxElements and MaxAttributes bound the element that
	// DecryptElement parses from the plaintext: its nesting depth (the
	// decrypted element is depth 1), its number of elements and the
	// attributes of one element (namespace declarations included). Zero
	// means the generic parser default (256, 250,000 and 256); a caller
	// that knows the shape of the content, such as a SAML service provider
	// decrypting an Assertion, sets tighter values. Negative is invalid.
	MaxDepth, MaxElements, MaxAttributes int
}

// Decrypter decrypts XML Encryption EncryptedData elements. It is immutable
// and safe for concurrent use.
type Decrypter struct {
	key        crypto.Decrypter
	transports []string
	contents   []string
	allowCBC   bool
	maxPlain   int64
	limits     xmlsafe.Limits // for the plaintext element, without the wrapper
}

// NewDecrypter validates cfg and returns a Decrypter.
func NewDecrypter(cfg DecrypterConfig) (*Decrypter, error) {
	v, err := newDecrypter(cfg)
	if err != nil {
		return nil, invalidConfig(err)
	}
	return v, nil
}

func newDecrypter(cfg DecrypterConfig) (*Decrypter, error) {
	if cfg.Key == nil {
		return nil, errors.New("xmlenc: decrypter config: no key")
	}
	pub, ok := cfg.Key.Public().(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: key type %T (RSA required)", ErrUnsupported, cfg.Key.Public())
	}
	if err := (signature.Policy{}).CheckPublicKey(pub); err != nil {
		return nil, err
	}
	if cfg.MaxPlaintextBytes < 0 {
		return nil, errors.New("xmlenc: decrypter config: negative MaxPlaintextBytes")
	}
	if cfg.MaxDepth < 0 || cfg.MaxElements < 0 || cfg.MaxAttributes < 0 {
		return nil, errors.New("xmlenc: decrypter config: negative MaxDepth, MaxElements or MaxAttributes")
	}
	d := &Decrypter{key: cfg.Key, allowCBC: cfg.InsecureAllowCBC, maxPlain: cfg.MaxPlaintextBytes,
		limits: xmlsafe.Limits{MaxDepth: cfg.MaxDepth, MaxElements: cfg.MaxElements, MaxAttributes: cfg.MaxAttributes}.WithDefaults()}
	if d.maxPlain == 0 {
		d.maxPlain = DefaultMaxPlaintextBytes
	}
	d.transports = DefaultKeyTransports()
	if cfg.KeyTransports != nil {
		d.transports = nil
		for _, uri := range cfg.KeyTransports {
			if uri != RSAOAEP && uri != RSAOAEPMGF1P {
				return nil, &signature.AlgorithmError{URI: uri}
			}
			d.transports = append(d.transports, uri)
		}
	}
	d.contents = DefaultContentAlgorithms()
	if cfg.InsecureAllowCBC {
		d.contents = append(d.contents, AES128CBC, AES192CBC, AES256CBC)
	}
	if cfg.ContentAlgorithms != nil {
		d.contents = nil
		for _, uri := range cfg.ContentAlgorithms {
			a, ok := contentAlgs[uri]
			if !ok || (!a.gcm && !cfg.InsecureAllowCBC) {
				return nil, &signature.AlgorithmError{URI: uri}
			}
			d.contents = append(d.contents, uri)
		}
	}
	return d, nil
}

// Decrypt decrypts encryptedData (an xenc:EncryptedData element) and
// returns the plaintext octets. The content key is taken from an
// xenc:EncryptedKey inside its ds:KeyInfo, from a ds:RetrievalMethod of
// Type EncryptedKey pointing by Id to a sibling, or from sibling
// EncryptedKey elements in the same parent (SAML EncryptedAssertion,
// SAML 2.0 Core §2.2.4, §6.2). Nothing outside the parent is dereferenced.
func (d *Decrypter) Decrypt(encryptedData *etree.Element) ([]byte, error) {
	pt, _, err := d.decrypt(encryptedData)
	return pt, err
}

func (d *Decrypter) decrypt(ed *etree.Element) ([]byte, bool, error) {
	if ed == nil || !isXENC(ed, "EncryptedData") {
		return nil, false, malformed("not an xenc:EncryptedData element")
	}
	alg, err := algorithmOf(ed)
	if err != nil {
		return nil, false, err
	}
	ca, ok := contentAlgs[alg]
	if !ok || !allowed(d.contents, alg) || (!ca.gcm && !d.allowCBC) {
		return nil, false, &signature.AlgorithmError{URI: alg}
	}
	ct, err := d.cipherValue(ed)
	if err != nil {
		return nil, false, err
	}
	keys, err := findEncryptedKeys(ed)
	if err != nil {
		return nil, false, err
	}
	// Parse every candidate before any private-key operation, so that
	// structure errors never depend on secret data.
	type candidate struct {
		opts *rsa.OAEPOptions
		ct   []byte
	}
	cands := make([]candidate, 0, len(keys))
	for _, ek := range keys {
		opts, err := d.oaepOptions(ek)
		if err != nil {
			return nil, false, err
		}
		kct, err := d.cipherValueN(ek, 1<<16)
		if err != nil {
			return nil, false, err
		}
		cands = append(cands, candidate{opts, kct})
	}
	for _, c := range cands {
		cek, err := d.key.Decrypt(rand.Reader, c.ct, c.opts)
		if err != nil || subtle.ConstantTimeEq(int32(len(cek)), int32(ca.keyLen)) != 1 {
			continue
		}
		pt, err := decryptContent(ca, cek, ct)
		if err != nil {
			continue
		}
		if int64(len(pt)) > d.maxPlain {
			return nil, false, fmt.Errorf("%w: plaintext larger than %d bytes", ErrLimit, d.maxPlain)
		}
		return pt, ca.gcm, nil
	}
	return nil, false, ErrDecrypt
}

// DecryptElement decrypts encryptedData and parses the plaintext as one XML
// element with the module's secure parser (no DOCTYPE, depth and size
// limits). Namespace declarations in scope at encryptedData are inherited
// (XML Encryption 1.1 §4.5: the plaintext is parsed in the context of the
// EncryptedData) and copied onto the returned element, which is detached
// and can be inserted anywhere. With AES-CBC, a plaintext that does not
// parse is reported as [ErrDecrypt] (no parsing oracle).
func (d *Decrypter) DecryptElement(encryptedData *etree.Element) (*etree.Element, error) {
	if encryptedData != nil {
		if t := attr(encryptedData, "Type"); t != "" && t != TypeElement && t != TypeContent {
			return nil, fmt.Errorf("%w: EncryptedData Type %q is not an element", ErrUnsupported, redact.Clip(t, 100))
		}
	}
	pt, authenticated, err := d.decrypt(encryptedData)
	if err != nil {
		return nil, err
	}
	el, err := d.parsePlaintext(encryptedData, pt)
	if err != nil {
		if !authenticated {
			return nil, ErrDecrypt
		}
		return nil, err
	}
	return el, nil
}

func (d *Decrypter) parsePlaintext(ed *etree.Element, pt []byte) (*etree.Element, error) {
	pt = stripXMLDecl(pt)
	ns := inScopeNamespaces(ed)
	var b bytes.Buffer
	b.Grow(len(pt) + 64*len(ns) + 32)
	b.WriteString("<ozgxmlencwrap")
	for _, n := range ns {
		if n.prefix == "" {
			b.WriteString(` xmlns="`)
		} else {
			b.WriteString(" xmlns:" + n.prefix + `="`)
		}
		escapeAttr(&b, n.uri)
		b.WriteString(`"`)
	}
	b.WriteString(">")
	b.Write(pt)
	b.WriteString("</ozgxmlencwrap>")
	// The wrapper adds one level, one element and len(ns) attributes.
	lim := xmlsafe.Limits{MaxBytes: d.maxPlain + int64(b.Len()-len(pt)), MaxDepth: d.limits.MaxDepth + 1,
		MaxElements: d.limits.MaxElements + 1, MaxAttributes: max(d.limits.MaxAttributes, len(ns))}
	doc, err := xmlsafe.Parse(b.Bytes(), lim)
	if err != nil {
		if errors.Is(err, xmlsafe.ErrLimit) {
			return nil, fmt.Errorf("%w: %w", ErrLimit, err)
		}
		return nil, &MalformedError{What: "plaintext is not a well-formed element: " + err.Error()}
	}
	wrap := doc.Root()
	var el *etree.Element
	for _, tok := range wrap.Child {
		switch t := tok.(type) {
		case *etree.Element:
			if el != nil {
				return nil, malformed("plaintext has more than one element")
			}
			el = t
		case *etree.CharData:
			if strings.TrimSpace(t.Data) != "" {
				return nil, malformed("plaintext has text outside the element")
			}
		case *etree.Directive:
			return nil, malformed("plaintext has a directive")
		}
	}
	if el == nil {
		return nil, malformed("plaintext has no element")
	}
	wrap.RemoveChild(el)
	for _, n := range ns {
		key := "xmlns"
		if n.prefix != "" {
			key = "xmlns:" + n.prefix
		}
		if !hasNSDecl(el, n.prefix) {
			el.CreateAttr(key, n.uri)
		}
	}
	return el, nil
}

func (d *Decrypter) cipherValue(el *etree.Element) ([]byte, error) {
	// IV (16) + tag/padding (16) on top of the plaintext.
	return d.cipherValueN(el, d.maxPlain+32)
}

func (d *Decrypter) cipherValueN(el *etree.Element, max int64) ([]byte, error) {
	cds := childrenNS(el, NamespaceXENC, "CipherData")
	if len(cds) != 1 {
		return nil, malformed(el.Tag + " must have exactly one CipherData")
	}
	if len(childrenNS(cds[0], NamespaceXENC, "CipherReference")) > 0 {
		return nil, fmt.Errorf("%w: CipherReference", ErrUnsupported)
	}
	cvs := childrenNS(cds[0], NamespaceXENC, "CipherValue")
	if len(cvs) != 1 {
		return nil, malformed(el.Tag + " must have exactly one CipherValue")
	}
	text := cvs[0].Text()
	// Bound the work before decoding: base64 of max bytes needs at most
	// 4*ceil(max/3) characters plus whitespace (line breaks every 64
	// characters are common); refuse clearly larger input cheaply.
	if int64(len(text)) > (max/3+1)*4*2+1024 {
		return nil, fmt.Errorf("%w: ciphertext larger than %d bytes", ErrLimit, max)
	}
	compact := strings.Join(strings.Fields(text), "")
	if int64(len(compact))/4*3 > max+3 {
		return nil, fmt.Errorf("%w: ciphertext larger than %d bytes", ErrLimit, max)
	}
	raw, err := base64.StdEncoding.DecodeString(compact)
	if err != nil {
		return nil, malformed(el.Tag + " CipherValue is not base64")
	}
	return raw, nil
}

func (d *Decrypter) oaepOptions(ek *etree.Element) (*rsa.OAEPOptions, error) {
	alg, err := algorithmOf(ek)
	if err != nil {
		return nil, err
	}
	if !allowed(d.transports, alg) {
		return nil, &signature.AlgorithmError{URI: alg}
	}
	em := childrenNS(ek, NamespaceXENC, "EncryptionMethod")[0]
	opts := &rsa.OAEPOptions{Hash: crypto.SHA1, MGFHash: crypto.SHA1}
	if dms := childrenNS(em, NamespaceDSig, "DigestMethod"); len(dms) > 1 {
		return nil, malformed("more than one DigestMethod")
	} else if len(dms) == 1 {
		uri := attr(dms[0], "Algorithm")
		h, ok := oaepDigest(uri)
		if !ok {
			return nil, &signature.AlgorithmError{URI: uri}
		}
		opts.Hash = h
	}
	mg := childrenNS(em, NamespaceXENC11, "MGF")
	switch {
	case len(mg) > 1:
		return nil, malformed("more than one MGF")
	case len(mg) == 1 && alg == RSAOAEPMGF1P:
		return nil, malformed("MGF is not allowed with rsa-oaep-mgf1p")
	case len(mg) == 1:
		uri := attr(mg[0], "Algorithm")
		h, ok := mgfs[uri]
		if !ok {
			return nil, &signature.AlgorithmError{URI: uri}
		}
		opts.MGFHash = h
	}
	if ps := childrenNS(em, NamespaceXENC, "OAEPparams"); len(ps) > 1 {
		return nil, malformed("more than one OAEPparams")
	} else if len(ps) == 1 {
		label, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(ps[0].Text()), ""))
		if err != nil || len(label) > 1024 {
			return nil, malformed("OAEPparams is not base64")
		}
		opts.Label = label
	}
	if !opts.Hash.Available() || !opts.MGFHash.Available() {
		return nil, fmt.Errorf("%w: hash not available", ErrUnsupported)
	}
	return opts, nil
}

func decryptContent(ca contentAlg, key, ct []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if ca.gcm {
		// XML Encryption 1.1 §5.2.4: IV (96 bits) ‖ ciphertext ‖ tag (128 bits).
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		if len(ct) < aead.NonceSize()+aead.Overhead() {
			return nil, ErrDecrypt
		}
		return aead.Open(nil, ct[:aead.NonceSize()], ct[aead.NonceSize():], nil)
	}
	// XML Encryption 1.1 §5.2.2: IV ‖ CBC ciphertext; the last plaintext
	// octet gives the padding length (1..16); other padding octets are
	// arbitrary.
	bs := block.BlockSize()
	if len(ct) < 2*bs || len(ct)%bs != 0 {
		return nil, ErrDecrypt
	}
	pt := make([]byte, len(ct)-bs)
	cipher.NewCBCDecrypter(block, ct[:bs]).CryptBlocks(pt, ct[bs:])
	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > bs {
		return nil, ErrDecrypt
	}
	return pt[:len(pt)-pad], nil
}

// findEncryptedKeys returns the EncryptedKey candidates for ed.
func findEncryptedKeys(ed *etree.Element) ([]*etree.Element, error) {
	var out []*etree.Element
	kis := childrenNS(ed, NamespaceDSig, "KeyInfo")
	if len(kis) > 1 {
		return nil, malformed("more than one KeyInfo")
	}
	var refs []string
	if len(kis) == 1 {
		out = append(out, childrenNS(kis[0], NamespaceXENC, "EncryptedKey")...)
		for _, rm := range childrenNS(kis[0], NamespaceDSig, "RetrievalMethod") {
			if t := attr(rm, "Type"); t != "" && t != TypeEncryptedKey {
				return nil, fmt.Errorf("%w: RetrievalMethod Type %q", ErrUnsupported, redact.Clip(t, 100))
			}
			uri := attr(rm, "URI")
			if !strings.HasPrefix(uri, "#") || len(uri) < 2 || len(rm.ChildElements()) > 0 {
				return nil, fmt.Errorf("%w: RetrievalMethod other than a same-parent #Id reference", ErrUnsupported)
			}
			refs = append(refs, uri[1:])
		}
	}
	parent := ed.Parent()
	if len(refs) > 0 {
		if parent == nil {
			return nil, malformed("RetrievalMethod target not found")
		}
		for _, id := range refs {
			var found *etree.Element
			for _, sib := range childrenNS(parent, NamespaceXENC, "EncryptedKey") {
				if attr(sib, "Id") == id {
					if found != nil {
						return nil, malformed("duplicate EncryptedKey Id")
					}
					found = sib
				}
			}
			if found == nil {
				return nil, malformed("RetrievalMethod target not found")
			}
			out = append(out, found)
		}
	}
	if len(out) == 0 && parent != nil {
		out = childrenNS(parent, NamespaceXENC, "EncryptedKey")
	}
	if len(out) == 0 {
		return nil, malformed("no EncryptedKey found")
	}
	if len(out) > maxEncryptedKeys {
		return nil, fmt.Errorf("%w: more than %d EncryptedKey elements", ErrLimit, maxEncryptedKeys)
	}
	for _, ek := range out {
		if len(childrenNS(ek, NamespaceXENC, "EncryptionMethod")) != 1 {
			return nil, malformed("EncryptedKey must have exactly one EncryptionMethod")
		}
	}
	return out, nil
}

func algorithmOf(el *etree.Element) (string, error) {
	ems := childrenNS(el, NamespaceXENC, "EncryptionMethod")
	if len(ems) != 1 {
		return "", malformed(el.Tag + " must have exactly one EncryptionMethod")
	}
	alg := attr(ems[0], "Algorithm")
	if alg == "" {
		return "", malformed("EncryptionMethod without Algorithm")
	}
	return alg, nil
}

func isXENC(el *etree.Element, local string) bool {
	return el.Tag == local && el.NamespaceURI() == NamespaceXENC
}

func childrenNS(el *etree.Element, ns, local string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == local && c.NamespaceURI() == ns {
			out = append(out, c)
		}
	}
	return out
}

// attr returns the value of the unqualified attribute key.
func attr(el *etree.Element, key string) string {
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value
		}
	}
	return ""
}

type nsDecl struct{ prefix, uri string }

// inScopeNamespaces returns the namespace declarations in scope at el
// (nearest declaration wins), in a deterministic order.
func inScopeNamespaces(el *etree.Element) []nsDecl {
	seen := map[string]bool{}
	var out []nsDecl
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			var prefix string
			switch {
			case a.Space == "xmlns":
				prefix = a.Key
			case a.Space == "" && a.Key == "xmlns":
				prefix = ""
			default:
				continue
			}
			if seen[prefix] {
				continue
			}
			seen[prefix] = true
			if prefix == "" && a.Value == "" {
				continue // xmlns="" undeclares the default namespace
			}
			out = append(out, nsDecl{prefix, a.Value})
		}
	}
	return out
}

func hasNSDecl(el *etree.Element, prefix string) bool {
	for _, a := range el.Attr {
		if prefix == "" && a.Space == "" && a.Key == "xmlns" {
			return true
		}
		if prefix != "" && a.Space == "xmlns" && a.Key == prefix {
			return true
		}
	}
	return false
}

func escapeAttr(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
}

// stripXMLDecl removes a UTF-8 BOM and a leading XML declaration.
func stripXMLDecl(pt []byte) []byte {
	pt = bytes.TrimPrefix(pt, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(pt, " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("<?xml")) && len(trimmed) > 5 && (trimmed[5] == ' ' || trimmed[5] == '\t' || trimmed[5] == '\r' || trimmed[5] == '\n' || trimmed[5] == '?') {
		if i := bytes.Index(trimmed, []byte("?>")); i >= 0 {
			return trimmed[i+2:]
		}
	}
	return pt
}
