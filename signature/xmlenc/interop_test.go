package xmlenc_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmlenc"
)

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

func runXMLSec(t *testing.T, xmlsec string, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(xmlsec, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		t.Logf("xmlsec1 %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes(), err
}

// TestInteropOursToXMLSec1: our EncryptedData decrypts with xmlsec1, and a
// tampered byte fails there too. xmlsec1 1.2.37 knows rsa-oaep-mgf1p but
// not xmlenc11#rsa-oaep (added in xmlsec 1.3), so that is the key
// transport used here.
func TestInteropOursToXMLSec1(t *testing.T) {
	t.Parallel()
	xmlsec := testenv.XMLSec1(t)
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "SP"})
	require.NoError(t, err)
	keyPEM, _, err := signaturetest.EncodePEM(kp)
	require.NoError(t, err)
	dir := t.TempDir()
	keyFile := writeFile(t, dir, "key.pem", keyPEM)

	for _, tc := range []struct {
		name    string
		content string
		digest  string
		cbc     bool
	}{
		{"aes128-gcm", xmlenc.AES128GCM, "", false},
		{"aes192-gcm", xmlenc.AES192GCM, "", false},
		{"aes256-gcm", xmlenc.AES256GCM, "", false},
		// xmlsec1 1.2.37 accepts only the SHA-1 OAEP digest with
		// rsa-oaep-mgf1p ("failed to decrypt file" with xmlenc#sha256,
		// checked 2026-11-25), so SHA-256 OAEP is covered by TestRoundTrip.
		{"aes256-gcm oaep-sha1 explicit", xmlenc.AES256GCM, signature.DigestSHA1, false},
		{"aes256-cbc", xmlenc.AES256CBC, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: kp.Certificate, KeyTransport: xmlenc.RSAOAEPMGF1P, KeyTransportDigest: tc.digest, Content: tc.content, InsecureAllowCBC: tc.cbc})
			require.NoError(t, err)
			ed, err := enc.EncryptElement(assertion(t))
			require.NoError(t, err)
			out := etree.NewDocument()
			out.SetRoot(ed)
			data, err := out.WriteToBytes()
			require.NoError(t, err)
			stdout, err := runXMLSec(t, xmlsec, "--decrypt", "--privkey-pem", keyFile, writeFile(t, dir, "ok.xml", data))
			require.NoError(t, err)
			got := etree.NewDocument()
			require.NoError(t, got.ReadFromBytes(stdout))
			require.NotNil(t, got.Root())
			assert.Equal(t, "Assertion", got.Root().Tag)
			assert.Equal(t, nsSAML, got.Root().NamespaceURI())
			assert.Equal(t, "Jürgen & Söhne <GmbH>", got.Root().FindElement("AttributeValue").Text())

			if !tc.cbc { // tampered GCM ciphertext must fail in xmlsec1 as well
				cv := ed.FindElement("CipherData/CipherValue")
				raw, _ := base64.StdEncoding.DecodeString(cv.Text())
				raw[len(raw)/2] ^= 1
				cv.SetText(base64.StdEncoding.EncodeToString(raw))
				data, err = out.WriteToBytes()
				require.NoError(t, err)
				_, err = runXMLSec(t, xmlsec, "--decrypt", "--privkey-pem", keyFile, writeFile(t, dir, "bad.xml", data))
				requireExit1(t, err, "xmlsec1 decrypted a tampered GCM ciphertext")
			}
		})
	}
}

const xmlsecTemplate = `<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">
 <xenc:EncryptionMethod Algorithm="CONTENT"/>
 <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
  <xenc:EncryptedKey>
   <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>
   <xenc:CipherData><xenc:CipherValue/></xenc:CipherData>
  </xenc:EncryptedKey>
 </ds:KeyInfo>
 <xenc:CipherData><xenc:CipherValue/></xenc:CipherData>
</xenc:EncryptedData>`

// TestInteropXMLSec1ToOurs: xmlsec1 --encrypt with a template replaces a
// SAML Assertion inside a Response (its prefix declared only on the
// Response, so our decrypter must inherit the namespace context); ours
// decrypts it. A tampered byte fails in ours.
func TestInteropXMLSec1ToOurs(t *testing.T) {
	t.Parallel()
	xmlsec := testenv.XMLSec1(t)
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "SP"})
	require.NoError(t, err)
	_, certPEM, err := signaturetest.EncodePEM(kp)
	require.NoError(t, err)
	dir := t.TempDir()
	certFile := writeFile(t, dir, "cert.pem", signaturetest.CertificatePEM(kp.Certificate))
	_ = certPEM
	dataFile := writeFile(t, dir, "data.xml", []byte(`<samlp:Response xmlns:samlp="`+nsSAMLP+`" xmlns:saml="`+nsSAML+`"><saml:EncryptedAssertion><saml:Assertion ID="_a1"><saml:Issuer>https://idp.example</saml:Issuer><saml:AttributeValue>Jürgen</saml:AttributeValue></saml:Assertion></saml:EncryptedAssertion></samlp:Response>`))

	for _, tc := range []struct {
		name, content, session string
		cbc                    bool
	}{
		{"aes256-gcm", xmlenc.AES256GCM, "aes-256", false},
		{"aes128-gcm", xmlenc.AES128GCM, "aes-128", false},
		{"aes128-cbc insecure", xmlenc.AES128CBC, "aes-128", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl := writeFile(t, dir, "tmpl-"+tc.session+".xml", bytes.ReplaceAll([]byte(xmlsecTemplate), []byte("CONTENT"), []byte(tc.content)))
			stdout, err := runXMLSec(t, xmlsec, "--encrypt", "--pubkey-cert-pem", certFile, "--session-key", tc.session,
				"--xml-data", dataFile, "--node-xpath", `//*[local-name()="Assertion"]`, tmpl)
			require.NoError(t, err)
			doc := etree.NewDocument()
			require.NoError(t, doc.ReadFromBytes(stdout))
			ed := doc.FindElement("//EncryptedData")
			require.NotNil(t, ed)

			d, err := xmlenc.NewDecrypter(xmlenc.DecrypterConfig{Key: kp.Signer.(*rsa.PrivateKey), InsecureAllowCBC: tc.cbc})
			require.NoError(t, err)
			got, err := d.DecryptElement(ed)
			require.NoError(t, err)
			assert.Equal(t, nsSAML, got.NamespaceURI())
			assert.Equal(t, "Jürgen", got.SelectElement("AttributeValue").Text())

			if tc.cbc {
				strict, err := xmlenc.NewDecrypter(xmlenc.DecrypterConfig{Key: kp.Signer.(*rsa.PrivateKey)})
				require.NoError(t, err)
				_, err = strict.DecryptElement(ed)
				require.ErrorIs(t, err, xmlenc.ErrAlgorithmNotAllowed)
			}
			cv := ed.FindElement("CipherData/CipherValue")
			raw, err := base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields([]byte(cv.Text())), nil)))
			require.NoError(t, err)
			raw[len(raw)-1] ^= 1
			cv.SetText(base64.StdEncoding.EncodeToString(raw))
			_, err = d.DecryptElement(ed)
			require.ErrorIs(t, err, xmlenc.ErrDecrypt)
		})
	}
}

// TestInteropSiblingKeyXMLSec1: the SAML shape (EncryptedKey as a sibling
// of EncryptedData inside saml:EncryptedAssertion, referenced by
// ds:RetrievalMethod) decrypts in xmlsec1 when it is told that Id is the
// EncryptedKey's ID attribute.
func TestInteropSiblingKeyXMLSec1(t *testing.T) {
	t.Parallel()
	xmlsec := testenv.XMLSec1(t)
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "SP"})
	require.NoError(t, err)
	keyPEM, _, err := signaturetest.EncodePEM(kp)
	require.NoError(t, err)
	dir := t.TempDir()
	keyFile := writeFile(t, dir, "key.pem", keyPEM)
	enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: kp.Certificate, KeyTransport: xmlenc.RSAOAEPMGF1P, KeyPlacement: xmlenc.KeySibling})
	require.NoError(t, err)
	res, err := enc.Encrypt(assertion(t))
	require.NoError(t, err)
	require.NotNil(t, res.EncryptedKey)
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromString(`<samlp:Response xmlns:samlp="`+nsSAMLP+`" xmlns:saml="`+nsSAML+`"><saml:EncryptedAssertion/></samlp:Response>`))
	ea := doc.Root().SelectElement("saml:EncryptedAssertion")
	ea.AddChild(res.EncryptedData)
	ea.AddChild(res.EncryptedKey)
	data, err := doc.WriteToBytes()
	require.NoError(t, err)
	stdout, err := runXMLSec(t, xmlsec, "--decrypt", "--privkey-pem", keyFile, "--id-attr:Id", "EncryptedKey", writeFile(t, dir, "sib.xml", data))
	require.NoError(t, err)
	got := etree.NewDocument()
	require.NoError(t, got.ReadFromBytes(stdout))
	a := got.FindElement("//Assertion")
	require.NotNil(t, a)
	assert.Equal(t, "Jürgen & Söhne <GmbH>", a.FindElement("AttributeValue").Text())
}

// TestInteropOAEPParametersOpenSSL checks our RSA-OAEP parameter mapping
// (digest and MGF URIs) against an independent implementation: openssl
// pkeyutl must unwrap our EncryptedKey with exactly the parameters the
// URIs name, and the resulting key must open the AES-GCM content. This
// covers xmlenc11#rsa-oaep, which xmlsec1 1.2.37 does not implement.
func TestInteropOAEPParametersOpenSSL(t *testing.T) {
	t.Parallel()
	openssl := testenv.Command(t, "openssl", "openssl")
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "SP"})
	require.NoError(t, err)
	keyPEM, _, err := signaturetest.EncodePEM(kp)
	require.NoError(t, err)
	dir := t.TempDir()
	keyFile := writeFile(t, dir, "key.pem", keyPEM)
	for _, tc := range []struct {
		name, transport, digest, mgf string
		md, mgfMD                    string
	}{
		{"rsa-oaep sha256 mgf1sha256 (default)", xmlenc.RSAOAEP, "", "", "sha256", "sha256"},
		{"rsa-oaep sha256 mgf1sha1", xmlenc.RSAOAEP, signature.DigestSHA256, xmlenc.MGF1SHA1, "sha256", "sha1"},
		{"rsa-oaep sha1 mgf1sha1", xmlenc.RSAOAEP, signature.DigestSHA1, xmlenc.MGF1SHA1, "sha1", "sha1"},
		{"rsa-oaep sha512 mgf1sha512", xmlenc.RSAOAEP, signature.DigestSHA512, xmlenc.MGF1SHA512, "sha512", "sha512"},
		{"rsa-oaep sha384 mgf1sha256", xmlenc.RSAOAEP, signature.DigestSHA384, xmlenc.MGF1SHA256, "sha384", "sha256"},
		{"mgf1p sha1", xmlenc.RSAOAEPMGF1P, "", "", "sha1", "sha1"},
		{"mgf1p sha256", xmlenc.RSAOAEPMGF1P, signature.DigestSHA256, "", "sha256", "sha1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: kp.Certificate, KeyTransport: tc.transport, KeyTransportDigest: tc.digest, MGF: tc.mgf})
			require.NoError(t, err)
			ed, err := enc.EncryptElement(assertion(t))
			require.NoError(t, err)
			ekCT, err := base64.StdEncoding.DecodeString(ed.FindElement("KeyInfo/EncryptedKey/CipherData/CipherValue").Text())
			require.NoError(t, err)
			in := writeFile(t, dir, "ek.bin", ekCT)
			out := filepath.Join(dir, "cek.bin")
			cmd := exec.Command(openssl, "pkeyutl", "-decrypt", "-inkey", keyFile, "-in", in, "-out", out,
				"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:"+tc.md, "-pkeyopt", "rsa_mgf1_md:"+tc.mgfMD)
			b, err := cmd.CombinedOutput()
			require.NoError(t, err, string(b))
			cek, err := os.ReadFile(out)
			require.NoError(t, err)
			require.Len(t, cek, 32)
			ct, err := base64.StdEncoding.DecodeString(ed.FindElement("CipherData/CipherValue").Text())
			require.NoError(t, err)
			block, err := aes.NewCipher(cek)
			require.NoError(t, err)
			gcm, err := cipher.NewGCM(block)
			require.NoError(t, err)
			pt, err := gcm.Open(nil, ct[:12], ct[12:], nil)
			require.NoError(t, err)
			assert.Contains(t, string(pt), "Jürgen &amp; Söhne")

			// Reverse: openssl wraps a fresh key with these parameters, we
			// decrypt an EncryptedData built around it.
			cek2 := make([]byte, 32)
			_, _ = rand.Read(cek2)
			cekFile := writeFile(t, dir, "cek2.bin", cek2)
			wrapped := filepath.Join(dir, "ek2.bin")
			cmd = exec.Command(openssl, "pkeyutl", "-encrypt", "-inkey", keyFile, "-in", cekFile, "-out", wrapped,
				"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:"+tc.md, "-pkeyopt", "rsa_mgf1_md:"+tc.mgfMD)
			b, err = cmd.CombinedOutput()
			require.NoError(t, err, string(b))
			ek2, err := os.ReadFile(wrapped)
			require.NoError(t, err)
			blk2, _ := aes.NewCipher(cek2)
			gcm2, _ := cipher.NewGCM(blk2)
			iv := make([]byte, 12)
			_, _ = rand.Read(iv)
			ct2 := gcm2.Seal(iv, iv, []byte(`<x:Y xmlns:x="urn:x">openssl</x:Y>`), nil)
			em := `<xenc:EncryptionMethod Algorithm="` + tc.transport + `">`
			if tc.digest != "" {
				em += `<ds:DigestMethod Algorithm="` + tc.digest + `"/>`
			}
			if tc.mgf != "" {
				em += `<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="` + tc.mgf + `"/>`
			} else if tc.transport == xmlenc.RSAOAEP {
				em += `<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="` + xmlenc.MGF1SHA256 + `"/>`
			}
			em += `</xenc:EncryptionMethod>`
			if tc.transport == xmlenc.RSAOAEP && tc.digest == "" {
				em = strings.Replace(em, ">", `><ds:DigestMethod Algorithm="`+signature.DigestSHA256+`"/>`, 1)
			}
			x := `<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
				`<xenc:EncryptionMethod Algorithm="` + xmlenc.AES256GCM + `"/><ds:KeyInfo><xenc:EncryptedKey>` + em +
				`<xenc:CipherData><xenc:CipherValue>` + base64.StdEncoding.EncodeToString(ek2) + `</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
				`<xenc:CipherData><xenc:CipherValue>` + base64.StdEncoding.EncodeToString(ct2) + `</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>`
			doc := etree.NewDocument()
			require.NoError(t, doc.ReadFromString(x))
			d, err := xmlenc.NewDecrypter(xmlenc.DecrypterConfig{Key: kp.Signer.(*rsa.PrivateKey)})
			require.NoError(t, err)
			el, err := d.DecryptElement(doc.Root())
			require.NoError(t, err)
			assert.Equal(t, "openssl", el.Text())

			// The wrong MGF must not unwrap (the parameters really differ).
			wrong := "sha384"
			cmd = exec.Command(openssl, "pkeyutl", "-decrypt", "-inkey", keyFile, "-in", in, "-out", out,
				"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:"+tc.md, "-pkeyopt", "rsa_mgf1_md:"+wrong)
			if tc.mgfMD != wrong {
				msg, err := cmd.CombinedOutput()
				requireExit1(t, err, "openssl unwrapped with the wrong MGF: %s", msg)
			}
		})
	}
}

// requireExit1 asserts that an external tool ran and refused its input
// (exit status 1), not that it could not be started.
func requireExit1(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, msgAndArgs...)
	require.Equal(t, 1, ee.ExitCode(), msgAndArgs...)
}
