package xmldsig_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// xmlsec1Env holds one key pair and its files for xmlsec1.
type xmlsec1Env struct {
	bin      string
	dir      string
	kp       *signature.KeyPair
	ca       *signaturetest.CA
	keyCerts string // "key.pem,cert.pem" for --privkey-pem
	caPEM    string // for --trusted-pem
}

func newXMLSec1Env(t *testing.T, kt signaturetest.KeyType) *xmlsec1Env {
	t.Helper()
	bin := testenv.XMLSec1(t)
	kp, ca := issue(t, kt)
	dir := t.TempDir()
	keyPEM, certPEM, err := signaturetest.EncodePEM(kp)
	require.NoError(t, err)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	key := write("key.pem", keyPEM)
	cert := write("cert.pem", certPEM)
	caPEM := write("ca.pem", signaturetest.CertificatePEM(ca.Certificate))
	return &xmlsec1Env{bin: bin, dir: dir, kp: kp, ca: ca, keyCerts: key + "," + cert, caPEM: caPEM}
}

func (e *xmlsec1Env) run(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(e.bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// requireXMLSec1Refused asserts that xmlsec1 ran and refused to verify
// (exit status 1 and its verification-failure message), not that it could
// not be started or did not understand its arguments.
func requireXMLSec1Refused(t *testing.T, err error, out []byte) {
	t.Helper()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "xmlsec1 accepted a tampered document: %s", out)
	require.Equal(t, 1, ee.ExitCode(), "%s", out)
	require.Contains(t, string(out), "FAIL", "xmlsec1 did not report a verification failure")
}

// verifyXMLSec1 runs xmlsec1 --verify on data and reports success.
func (e *xmlsec1Env) verify(t *testing.T, data []byte, extra ...string) (bool, string) {
	t.Helper()
	p := filepath.Join(e.dir, "verify.xml")
	require.NoError(t, os.WriteFile(p, data, 0o600))
	args := append([]string{"--verify", "--trusted-pem", e.caPEM}, extra...)
	out, err := e.run(t, append(args, p)...)
	return err == nil, string(out)
}

// sign signs a document that carries a Signature template.
func (e *xmlsec1Env) sign(t *testing.T, tmpl []byte) []byte {
	t.Helper()
	in := filepath.Join(e.dir, "tmpl.xml")
	out := filepath.Join(e.dir, "signed.xml")
	require.NoError(t, os.WriteFile(in, tmpl, 0o600))
	msg, err := e.run(t, "--sign", "--privkey-pem", e.keyCerts, "--output", out, in)
	require.NoError(t, err, "xmlsec1 --sign: %s", msg)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	return data
}

// withTemplate inserts an xmlsec1 signature template as the root's last
// child.
func withTemplate(doc []byte, method string) []byte {
	tmpl := `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>` +
		`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
		`<ds:SignatureMethod Algorithm="` + method + `"/>` +
		`<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
		`<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>` +
		`<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>` +
		`</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>`
	i := bytes.LastIndex(doc, []byte("</"))
	out := append([]byte{}, doc[:i]...)
	out = append(out, tmpl...)
	return append(out, doc[i:]...)
}

// tamper changes one content byte in the middle of the document body.
func tamper(t *testing.T, data []byte) []byte {
	t.Helper()
	i := bytes.Index(data[len(data)/3:], []byte("Müller"))
	if i < 0 {
		i = bytes.Index(data, []byte("Musterstadt"))
		require.GreaterOrEqual(t, i, 0)
	} else {
		i += len(data) / 3
	}
	out := bytes.Clone(data)
	out[i] = 'X'
	return out
}

func docOfSize(size int) []byte {
	return bigDoc(size / 480)
}

func TestXMLSec1Interop(t *testing.T) {
	ctx := context.Background()
	for _, kt := range []struct {
		name   string
		kt     signaturetest.KeyType
		method string
	}{{"rsa-sha256", signaturetest.RSA2048, signature.RSASHA256}, {"ecdsa-p256-sha256", signaturetest.P256, signature.ECDSASHA256}} {
		env := newXMLSec1Env(t, kt.kt)
		v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, env.ca.Certificate)})
		for _, size := range []struct {
			name string
			n    int
		}{{"2KB", 2 << 10}, {"1MB", 1 << 20}} {
			doc := docOfSize(size.n)
			t.Run(kt.name+"/"+size.name+"/ours-to-xmlsec1", func(t *testing.T) {
				signed, err := newSigner(t, xmldsig.SignerConfig{Key: env.kp}).Sign(doc)
				require.NoError(t, err)
				ok, out := env.verify(t, signed)
				require.True(t, ok, "xmlsec1 rejected our signature: %s", out)
				bad := tamper(t, signed)
				ok, _ = env.verify(t, bad)
				assert.False(t, ok, "xmlsec1 accepted a tampered document")
				_, err = v.Verify(ctx, bad)
				assert.ErrorIs(t, err, xmldsig.ErrDigestMismatch)
			})
			t.Run(kt.name+"/"+size.name+"/xmlsec1-to-ours", func(t *testing.T) {
				signed := env.sign(t, withTemplate(doc, kt.method))
				res, err := v.Verify(ctx, signed)
				require.NoError(t, err)
				assert.Equal(t, kt.method, res.SignatureMethod)
				bad := tamper(t, signed)
				_, err = v.Verify(ctx, bad)
				assert.ErrorIs(t, err, xmldsig.ErrInvalidSignature)
				ok, _ := env.verify(t, bad)
				assert.False(t, ok, "xmlsec1 accepted a tampered document")
			})
		}
	}
}

// TestXMLSec1Canonicalization checks every canonicalization variant and
// placement of our signer against xmlsec1 on a document with namespaces,
// comments, PIs, escapes and xml:lang.
func TestXMLSec1Canonicalization(t *testing.T) {
	env := newXMLSec1Env(t, signaturetest.P256)
	cfgs := map[string]xmldsig.SignerConfig{
		"exc":           {Canonicalization: xmldsig.ExcC14N},
		"exc-comments":  {Canonicalization: xmldsig.ExcC14NWithComments},
		"exc-prefixes":  {Canonicalization: xmldsig.ExcC14N, InclusiveNamespaces: []string{"xsi", "unused", "#default"}},
		"c14n10":        {Canonicalization: xmldsig.C14N10},
		"c14n10-comm":   {Canonicalization: xmldsig.C14N10WithComments},
		"c14n11":        {Canonicalization: xmldsig.C14N11},
		"c14n11-comm":   {Canonicalization: xmldsig.C14N11WithComments},
		"first-child":   {Placement: xmldsig.Placement{Position: xmldsig.FirstChild}},
		"after-element": {Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Local: "nachrichtenkopf.g2g"}},
		"no-prefix":     {Prefix: "-"},
		"sha512":        {DigestMethod: signature.DigestSHA512},
	}
	for name, cfg := range cfgs {
		t.Run(name, func(t *testing.T) {
			cfg.Key = env.kp
			signed, err := newSigner(t, cfg).Sign([]byte(xoevDoc))
			require.NoError(t, err)
			ok, out := env.verify(t, signed)
			require.True(t, ok, "xmlsec1: %s\n%s", out, signed)
		})
	}
}

// TestXMLSec1ElementByID: an element signed by ID (SAML assertion, Signature
// after saml:Issuer) in both directions.
func TestXMLSec1ElementByID(t *testing.T) {
	ctx := context.Background()
	env := newXMLSec1Env(t, signaturetest.RSA2048)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustAnchors(t, env.ca.Certificate)})
	idAttr := "--id-attr:ID"
	assertionQName := "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"

	t.Run("ours-to-xmlsec1", func(t *testing.T) {
		signed := signedAssertion(t, env.kp)
		ok, out := env.verify(t, signed, idAttr, assertionQName)
		require.True(t, ok, "xmlsec1: %s\n%s", out, signed)
		ok, _ = env.verify(t, replace(t, signed, "user@user.com.evil.com", "admin@user.com"), idAttr, assertionQName)
		assert.False(t, ok)
	})
	t.Run("xmlsec1-to-ours", func(t *testing.T) {
		tmpl := `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>` +
			`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
			`<ds:SignatureMethod Algorithm="` + signature.RSASHA256 + `"/>` +
			`<ds:Reference URI="#_a1"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
			`<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>` +
			`<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>` +
			`</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>`
		doc := replace(t, []byte(samlResponse), "</saml:Issuer><saml:Subject>", "</saml:Issuer>"+tmpl+"<saml:Subject>")
		in := filepath.Join(env.dir, "id-tmpl.xml")
		out := filepath.Join(env.dir, "id-signed.xml")
		require.NoError(t, os.WriteFile(in, doc, 0o600))
		msg, err := env.run(t, "--sign", "--privkey-pem", env.keyCerts, idAttr, assertionQName, "--output", out, in)
		require.NoError(t, err, "%s", msg)
		signed, err := os.ReadFile(out)
		require.NoError(t, err)
		res, err := verifyAssertion(ctx, v, signed)
		require.NoError(t, err)
		assert.Equal(t, "user@user.com.evil.com", res.Element.FindElement(".//NameID").Text())
		_, err = verifyAssertion(ctx, v, replace(t, signed, "user@user.com.evil.com", "admin@user.com"))
		assert.ErrorIs(t, err, xmldsig.ErrDigestMismatch)
	})
}
