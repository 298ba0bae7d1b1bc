package xmlenc_test

import (
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmlenc"
)

const (
	nsSAML  = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsSAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
)

const assertionXML = `<samlp:Response xmlns:samlp="` + nsSAMLP + `" xmlns:saml="` + nsSAML + `" xmlns="urn:example:default"><saml:Assertion ID="_a1"><saml:Issuer>https://idp.example</saml:Issuer><Extra>default ns</Extra><saml:AttributeValue>Jürgen &amp; Söhne &lt;GmbH&gt;</saml:AttributeValue></saml:Assertion></samlp:Response>`

type fixture struct {
	kp    *signature.KeyPair
	other *signature.KeyPair
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "SP encryption"})
	require.NoError(t, err)
	// Unique: a pooled key can repeat the first one.
	other, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "SP encryption", UniqueKey: true})
	require.NoError(t, err)
	return fixture{kp: kp, other: other}
}

func (f fixture) decrypter(t testing.TB, cfg xmlenc.DecrypterConfig) *xmlenc.Decrypter {
	t.Helper()
	if cfg.Key == nil {
		cfg.Key = f.kp.Signer.(*rsa.PrivateKey)
	}
	d, err := xmlenc.NewDecrypter(cfg)
	require.NoError(t, err)
	return d
}

func assertion(t testing.TB) *etree.Element {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromString(assertionXML))
	return doc.Root().SelectElement("saml:Assertion")
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name string
		cfg  xmlenc.EncrypterConfig
	}{
		{"defaults", xmlenc.EncrypterConfig{}},
		{"aes128-gcm", xmlenc.EncrypterConfig{Content: xmlenc.AES128GCM}},
		{"aes192-gcm", xmlenc.EncrypterConfig{Content: xmlenc.AES192GCM}},
		{"oaep mgf1sha1 sha1", xmlenc.EncrypterConfig{MGF: xmlenc.MGF1SHA1, KeyTransportDigest: signature.DigestSHA1}},
		{"oaep mgf1sha512 sha512", xmlenc.EncrypterConfig{MGF: xmlenc.MGF1SHA512, KeyTransportDigest: signature.DigestSHA512}},
		{"oaep mgf1sha1 sha256 (BundID)", xmlenc.EncrypterConfig{MGF: xmlenc.MGF1SHA1, KeyTransportDigest: signature.DigestSHA256}},
		{"mgf1p sha1", xmlenc.EncrypterConfig{KeyTransport: xmlenc.RSAOAEPMGF1P}},
		{"mgf1p sha256", xmlenc.EncrypterConfig{KeyTransport: xmlenc.RSAOAEPMGF1P, KeyTransportDigest: signature.DigestSHA256}},
		{"public key only", xmlenc.EncrypterConfig{}},
	}
	for _, tc := range cases {
		for _, placement := range []xmlenc.KeyPlacement{xmlenc.KeyInKeyInfo, xmlenc.KeySibling} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				cfg := tc.cfg
				cfg.KeyPlacement = placement
				if tc.name == "public key only" {
					cfg.PublicKey = f.kp.Public()
				} else {
					cfg.Recipient = f.kp.Certificate
				}
				enc, err := xmlenc.NewEncrypter(cfg)
				require.NoError(t, err)
				src := assertion(t)
				res, err := enc.Encrypt(src)
				require.NoError(t, err)
				// Place it like SAML: EncryptedAssertion/EncryptedData (+EncryptedKey).
				doc := etree.NewDocument()
				require.NoError(t, doc.ReadFromString(`<samlp:Response xmlns:samlp="`+nsSAMLP+`" xmlns:saml="`+nsSAML+`"><saml:EncryptedAssertion/></samlp:Response>`))
				ea := doc.Root().SelectElement("saml:EncryptedAssertion")
				ea.AddChild(res.EncryptedData)
				if res.EncryptedKey != nil {
					ea.AddChild(res.EncryptedKey)
				}
				// Serialise and re-parse, as a receiver would.
				s, err := doc.WriteToString()
				require.NoError(t, err)
				assert.NotContains(t, s, "Jürgen")
				doc2 := etree.NewDocument()
				require.NoError(t, doc2.ReadFromString(s))
				ed := doc2.FindElement("//EncryptedData")
				require.NotNil(t, ed)

				got, err := f.decrypter(t, xmlenc.DecrypterConfig{}).DecryptElement(ed)
				require.NoError(t, err)
				assert.Equal(t, "Assertion", got.Tag)
				assert.Equal(t, nsSAML, got.NamespaceURI())
				assert.Equal(t, "urn:example:default", got.SelectElement("Extra").NamespaceURI())
				assert.Equal(t, "Jürgen & Söhne <GmbH>", got.SelectElement("AttributeValue").Text())
				assert.Nil(t, got.Parent())
			})
		}
	}
}

func TestEncryptedDataShape(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: f.kp.Certificate})
	require.NoError(t, err)
	ed, err := enc.EncryptElement(assertion(t))
	require.NoError(t, err)
	assert.Equal(t, xmlenc.TypeElement, ed.SelectAttrValue("Type", ""))
	assert.Equal(t, xmlenc.AES256GCM, ed.FindElement("EncryptionMethod").SelectAttrValue("Algorithm", ""))
	ek := ed.FindElement("KeyInfo/EncryptedKey")
	require.NotNil(t, ek)
	assert.Equal(t, xmlenc.RSAOAEP, ek.FindElement("EncryptionMethod").SelectAttrValue("Algorithm", ""))
	assert.Equal(t, signature.DigestSHA256, ek.FindElement("EncryptionMethod/DigestMethod").SelectAttrValue("Algorithm", ""))
	assert.Equal(t, xmlenc.MGF1SHA256, ek.FindElement("EncryptionMethod/MGF").SelectAttrValue("Algorithm", ""))
	assert.NotNil(t, ek.FindElement("KeyInfo/X509Data/X509Certificate"))
	// GCM: 12-byte IV + ciphertext + 16-byte tag.
	ct, err := base64.StdEncoding.DecodeString(ed.FindElement("CipherData/CipherValue").Text())
	require.NoError(t, err)
	assert.Equal(t, len(canonPlain(t, assertion(t)))+12+16, len(ct))

	sib, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: f.kp.Certificate, KeyPlacement: xmlenc.KeySibling})
	require.NoError(t, err)
	_, err = sib.EncryptElement(assertion(t))
	require.ErrorIs(t, err, xmlenc.ErrInvalidConfig, "sibling placement needs Encrypt")
}

func canonPlain(t testing.TB, el *etree.Element) []byte {
	t.Helper()
	cp := el.Copy()
	cp.CreateAttr("xmlns:samlp", nsSAMLP)
	cp.CreateAttr("xmlns:saml", nsSAML)
	cp.CreateAttr("xmlns", "urn:example:default")
	doc := etree.NewDocument()
	doc.SetRoot(cp)
	b, err := doc.WriteToBytes()
	require.NoError(t, err)
	return b
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ec, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.P256})
	require.NoError(t, err)
	weak, err := signaturetest.SelfSigned(signaturetest.Options{Key: signaturetest.RSA1024})
	require.NoError(t, err)
	key := f.kp.Signer.(*rsa.PrivateKey)

	encCases := map[string]xmlenc.EncrypterConfig{
		"no key":         {},
		"ec recipient":   {Recipient: ec.Certificate},
		"weak rsa":       {Recipient: weak.Certificate},
		"rsa 1.5":        {Recipient: f.kp.Certificate, KeyTransport: xmlenc.RSA15},
		"cbc no opt-in":  {Recipient: f.kp.Certificate, Content: xmlenc.AES256CBC},
		"3des":           {Recipient: f.kp.Certificate, Content: xmlenc.TripleDESCBC, InsecureAllowCBC: true},
		"unknown mgf":    {Recipient: f.kp.Certificate, MGF: "urn:mgf"},
		"unknown digest": {Recipient: f.kp.Certificate, KeyTransportDigest: "http://www.w3.org/2001/04/xmldsig-more#md5"},
		"bad placement":  {Recipient: f.kp.Certificate, KeyPlacement: 7},
	}
	for name, cfg := range encCases {
		_, err := xmlenc.NewEncrypter(cfg)
		require.ErrorIs(t, err, xmlenc.ErrInvalidConfig, name)
	}
	decCases := map[string]xmlenc.DecrypterConfig{
		"no key":           {},
		"weak key":         {Key: weak.Signer.(*rsa.PrivateKey)},
		"rsa 1.5 listed":   {Key: key, KeyTransports: []string{xmlenc.RSA15}},
		"cbc listed":       {Key: key, ContentAlgorithms: []string{xmlenc.AES128CBC}},
		"3des listed":      {Key: key, ContentAlgorithms: []string{xmlenc.TripleDESCBC}, InsecureAllowCBC: true},
		"negative maximum": {Key: key, MaxPlaintextBytes: -1},
	}
	for name, cfg := range decCases {
		_, err := xmlenc.NewDecrypter(cfg)
		require.ErrorIs(t, err, xmlenc.ErrInvalidConfig, name)
	}
	_, err = xmlenc.NewDecrypter(xmlenc.DecrypterConfig{Key: key, KeyTransports: []string{xmlenc.RSA15}})
	require.ErrorIs(t, err, xmlenc.ErrAlgorithmNotAllowed)
}

// mutate returns a fresh parsed copy of the encrypted document after
// applying fn to it.
type mutation func(t testing.TB, root *etree.Element)

func TestDecryptNegative(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	key := f.kp.Signer.(*rsa.PrivateKey)

	build := func(t testing.TB, cfg xmlenc.EncrypterConfig, plaintext []byte) *etree.Document {
		t.Helper()
		if cfg.Recipient == nil && cfg.PublicKey == nil {
			cfg.Recipient = f.kp.Certificate
		}
		enc, err := xmlenc.NewEncrypter(cfg)
		require.NoError(t, err)
		var res *xmlenc.Encrypted
		if plaintext != nil {
			res, err = enc.EncryptBytes(plaintext, xmlenc.TypeElement)
		} else {
			res, err = enc.Encrypt(assertion(t))
		}
		require.NoError(t, err)
		doc := etree.NewDocument()
		require.NoError(t, doc.ReadFromString(`<saml:EncryptedAssertion xmlns:saml="`+nsSAML+`"/>`))
		doc.Root().AddChild(res.EncryptedData)
		if res.EncryptedKey != nil {
			doc.Root().AddChild(res.EncryptedKey)
		}
		s, err := doc.WriteToString()
		require.NoError(t, err)
		out := etree.NewDocument()
		require.NoError(t, out.ReadFromString(s))
		return out
	}
	flip := func(path string, pos int) mutation {
		return func(t testing.TB, root *etree.Element) {
			el := root.FindElement(path)
			require.NotNil(t, el, path)
			raw, err := base64.StdEncoding.DecodeString(el.Text())
			require.NoError(t, err)
			if pos < 0 {
				pos = len(raw) + pos
			}
			raw[pos] ^= 0x01
			el.SetText(base64.StdEncoding.EncodeToString(raw))
		}
	}
	setAttr := func(path, key, value string) mutation {
		return func(t testing.TB, root *etree.Element) {
			el := root.FindElement(path)
			require.NotNil(t, el, path)
			el.CreateAttr(key, value)
		}
	}
	remove := func(path string) mutation {
		return func(t testing.TB, root *etree.Element) {
			el := root.FindElement(path)
			require.NotNil(t, el, path)
			el.Parent().RemoveChild(el)
		}
	}
	const ed = "EncryptedData"
	const ek = "EncryptedData/KeyInfo/EncryptedKey"
	otherKey := f.other.Signer.(*rsa.PrivateKey)

	cases := []struct {
		name      string
		enc       xmlenc.EncrypterConfig
		plaintext string
		dec       xmlenc.DecrypterConfig
		mutate    mutation
		element   bool // use DecryptElement
		target    error
	}{
		{name: "tampered ciphertext", mutate: flip(ed+"/CipherData/CipherValue", 20), target: xmlenc.ErrDecrypt},
		{name: "tampered tag", mutate: flip(ed+"/CipherData/CipherValue", -1), target: xmlenc.ErrDecrypt},
		{name: "tampered iv", mutate: flip(ed+"/CipherData/CipherValue", 0), target: xmlenc.ErrDecrypt},
		{name: "tampered encrypted key", mutate: flip(ek+"/CipherData/CipherValue", 5), target: xmlenc.ErrDecrypt},
		{name: "wrong private key", dec: xmlenc.DecrypterConfig{Key: otherKey}, target: xmlenc.ErrDecrypt},
		{name: "oaep digest swapped", mutate: setAttr(ek+"/EncryptionMethod/DigestMethod", "Algorithm", signature.DigestSHA512), target: xmlenc.ErrDecrypt},
		{name: "mgf swapped", mutate: setAttr(ek+"/EncryptionMethod/MGF", "Algorithm", xmlenc.MGF1SHA1), target: xmlenc.ErrDecrypt},
		{name: "content alg downgraded to 128", mutate: setAttr(ed+"/EncryptionMethod", "Algorithm", xmlenc.AES128GCM), target: xmlenc.ErrDecrypt},
		{name: "cbc refused by default", enc: xmlenc.EncrypterConfig{Content: xmlenc.AES256CBC, InsecureAllowCBC: true}, target: xmlenc.ErrAlgorithmNotAllowed},
		{name: "gcm swapped to cbc refused", mutate: setAttr(ed+"/EncryptionMethod", "Algorithm", xmlenc.AES256CBC), target: xmlenc.ErrAlgorithmNotAllowed},
		{name: "cbc tampered padding uniform", enc: xmlenc.EncrypterConfig{Content: xmlenc.AES256CBC, InsecureAllowCBC: true}, dec: xmlenc.DecrypterConfig{InsecureAllowCBC: true}, mutate: flip(ed+"/CipherData/CipherValue", -17), element: true, target: xmlenc.ErrDecrypt},
		{name: "cbc plaintext not xml uniform", enc: xmlenc.EncrypterConfig{Content: xmlenc.AES128CBC, InsecureAllowCBC: true}, plaintext: "<a>unterminated", dec: xmlenc.DecrypterConfig{InsecureAllowCBC: true}, element: true, target: xmlenc.ErrDecrypt},
		{name: "unknown content algorithm", mutate: setAttr(ed+"/EncryptionMethod", "Algorithm", "urn:unknown"), target: xmlenc.ErrAlgorithmNotAllowed},
		{name: "3des", mutate: setAttr(ed+"/EncryptionMethod", "Algorithm", xmlenc.TripleDESCBC), dec: xmlenc.DecrypterConfig{InsecureAllowCBC: true}, target: xmlenc.ErrAlgorithmNotAllowed},
		{name: "rsa 1.5 key transport", mutate: setAttr(ek+"/EncryptionMethod", "Algorithm", xmlenc.RSA15), target: xmlenc.ErrAlgorithmNotAllowed},
		{name: "mgf1p not in allow-list", enc: xmlenc.EncrypterConfig{KeyTransport: xmlenc.RSAOAEPMGF1P}, dec: xmlenc.DecrypterConfig{KeyTransports: []string{xmlenc.RSAOAEP}}, target: xmlenc.ErrAlgorithmNotAllowed},
		{name: "unknown mgf", mutate: setAttr(ek+"/EncryptionMethod/MGF", "Algorithm", "urn:mgf"), target: xmlenc.ErrAlgorithmNotAllowed},
		{name: "md5 oaep digest", mutate: setAttr(ek+"/EncryptionMethod/DigestMethod", "Algorithm", "http://www.w3.org/2001/04/xmldsig-more#md5"), target: xmlenc.ErrAlgorithmNotAllowed},
		{name: "mgf with mgf1p", mutate: setAttr(ek+"/EncryptionMethod", "Algorithm", xmlenc.RSAOAEPMGF1P), target: xmlenc.ErrMalformed},
		{name: "plaintext limit", dec: xmlenc.DecrypterConfig{MaxPlaintextBytes: 64}, target: xmlenc.ErrLimit},
		{name: "xxe in plaintext", plaintext: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`, element: true, target: xmlenc.ErrMalformed},
		{name: "billion laughs in plaintext", plaintext: `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>`, element: true, target: xmlenc.ErrMalformed},
		{name: "deep plaintext", plaintext: strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300), element: true, target: xmlenc.ErrLimit},
		{name: "two elements", plaintext: `<a/><b/>`, element: true, target: xmlenc.ErrMalformed},
		{name: "text only", plaintext: `just text`, element: true, target: xmlenc.ErrMalformed},
		{name: "text beside element", plaintext: `<a/>tail`, element: true, target: xmlenc.ErrMalformed},
		{name: "mime type for element", mutate: setAttr(ed, "Type", "http://www.isi.edu/in-notes/iana/assignments/media-types/text/plain"), element: true, target: xmlenc.ErrUnsupported},
		{name: "no encrypted key", mutate: remove(ek), target: xmlenc.ErrMalformed},
		{name: "no cipher value", mutate: remove(ed + "/CipherData/CipherValue"), target: xmlenc.ErrMalformed},
		{name: "no encryption method", mutate: remove(ed + "/EncryptionMethod"), target: xmlenc.ErrMalformed},
		{name: "bad base64", mutate: func(t testing.TB, r *etree.Element) { r.FindElement(ed + "/CipherData/CipherValue").SetText("!!!") }, target: xmlenc.ErrMalformed},
		{name: "cipher reference", mutate: func(t testing.TB, r *etree.Element) {
			r.FindElement(ed+"/CipherData").CreateElement("xenc:CipherReference").CreateAttr("URI", "http://evil.example/")
		}, target: xmlenc.ErrUnsupported},
		{name: "external retrieval method", mutate: func(t testing.TB, r *etree.Element) {
			rm := r.FindElement(ed + "/KeyInfo").CreateElement("ds:RetrievalMethod")
			rm.CreateAttr("URI", "http://evil.example/key")
			rm.CreateAttr("Type", xmlenc.TypeEncryptedKey)
		}, target: xmlenc.ErrUnsupported},
		{name: "retrieval method to missing id", mutate: func(t testing.TB, r *etree.Element) {
			rm := r.FindElement(ed + "/KeyInfo").CreateElement("ds:RetrievalMethod")
			rm.CreateAttr("URI", "#nope")
			rm.CreateAttr("Type", xmlenc.TypeEncryptedKey)
		}, target: xmlenc.ErrMalformed},
		{name: "too many encrypted keys", mutate: func(t testing.TB, r *etree.Element) {
			ki := r.FindElement(ed + "/KeyInfo")
			k := ki.SelectElement("xenc:EncryptedKey")
			for range 8 {
				ki.AddChild(k.Copy())
			}
		}, target: xmlenc.ErrLimit},
		{name: "two key infos", mutate: func(t testing.TB, r *etree.Element) {
			e := r.FindElement(ed)
			e.InsertChildAt(1, e.SelectElement("ds:KeyInfo").Copy())
		}, target: xmlenc.ErrMalformed},
		{name: "wrong element", mutate: func(t testing.TB, r *etree.Element) { r.FindElement(ed).Space = "saml" }, target: xmlenc.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var pt []byte
			if tc.plaintext != "" {
				pt = []byte(tc.plaintext)
			}
			doc := build(t, tc.enc, pt)
			if tc.mutate != nil {
				tc.mutate(t, doc.Root())
			}
			cfg := tc.dec
			if cfg.Key == nil {
				cfg.Key = key
			}
			d, err := xmlenc.NewDecrypter(cfg)
			require.NoError(t, err)
			el := doc.Root().SelectElement("EncryptedData")
			if el == nil {
				el = doc.Root().ChildElements()[0]
			}
			if tc.element {
				got, err := d.DecryptElement(el)
				if tc.target == nil {
					require.NoError(t, err)
					require.NotNil(t, got)
					return
				}
				require.ErrorIs(t, err, tc.target)
				require.Nil(t, got)
				return
			}
			got, err := d.Decrypt(el)
			require.ErrorIs(t, err, tc.target)
			require.Nil(t, got)
			if tc.target == xmlenc.ErrDecrypt {
				assert.Equal(t, xmlenc.ErrDecrypt, err, "decryption failures carry no detail")
			}
		})
	}
}

// hsmDecrypter hides the concrete key type, like an HSM handle that
// implements crypto.Decrypter with *rsa.OAEPOptions.
type hsmDecrypter struct{ k *rsa.PrivateKey }

func (h hsmDecrypter) Public() crypto.PublicKey { return h.k.Public() }
func (h hsmDecrypter) Decrypt(r io.Reader, msg []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	return h.k.Decrypt(r, msg, opts)
}

func TestDecryptOpaqueDecrypter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: f.kp.Certificate, MGF: xmlenc.MGF1SHA1})
	require.NoError(t, err)
	ed, err := enc.EncryptElement(assertion(t))
	require.NoError(t, err)
	d, err := xmlenc.NewDecrypter(xmlenc.DecrypterConfig{Key: hsmDecrypter{f.kp.Signer.(*rsa.PrivateKey)}})
	require.NoError(t, err)
	el, err := d.DecryptElement(ed)
	require.NoError(t, err)
	assert.Equal(t, "Assertion", el.Tag)
	kd, err := f.kp.Decrypter()
	require.NoError(t, err)
	d2, err := xmlenc.NewDecrypter(xmlenc.DecrypterConfig{Key: kd})
	require.NoError(t, err)
	_, err = d2.Decrypt(ed)
	require.NoError(t, err)
}

func TestDecryptNil(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.decrypter(t, xmlenc.DecrypterConfig{})
	_, err := d.Decrypt(nil)
	require.ErrorIs(t, err, xmlenc.ErrMalformed)
	_, err = d.DecryptElement(nil)
	require.ErrorIs(t, err, xmlenc.ErrMalformed)
}

// XML Encryption 1.1 §5.5.2: without ds:DigestMethod and xenc11:MGF,
// xmlenc11#rsa-oaep means SHA-1 and MGF1-SHA-1.
func TestOAEPSpecDefaults(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: f.kp.Certificate, MGF: xmlenc.MGF1SHA1, KeyTransportDigest: signature.DigestSHA1})
	require.NoError(t, err)
	ed, err := enc.EncryptElement(assertion(t))
	require.NoError(t, err)
	em := ed.FindElement("KeyInfo/EncryptedKey/EncryptionMethod")
	em.RemoveChild(em.SelectElement("ds:DigestMethod"))
	em.RemoveChild(em.SelectElement("xenc11:MGF"))
	require.Empty(t, em.ChildElements())
	got, err := f.decrypter(t, xmlenc.DecrypterConfig{}).DecryptElement(ed)
	require.NoError(t, err)
	assert.Equal(t, "Assertion", got.Tag)
}
