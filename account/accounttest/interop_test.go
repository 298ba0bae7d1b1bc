package accounttest_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// TestXMLSec1ReadsSimulatorResponses shows that the simulator's crypto is
// standard: xmlsec1 decrypts the EncryptedAssertion with the SP key and
// verifies the Assertion signature with the IdP certificate. xmlsec1 1.2.37
// (Debian bookworm) knows rsa-oaep-mgf1p (not xmlenc11#rsa-oaep) and
// AES-GCM, but not RSA-PSS (xmldsig-more#sha256-rsa-MGF1, added in xmlsec
// 1.3), so this variant uses RSA-SHA256; PSS is covered by the JDK
// interop of package signature/xmldsig and by the SP tests.
func TestXMLSec1ReadsSimulatorResponses(t *testing.T) {
	bin := testenv.XMLSec1(t)
	now := time.Now()
	for _, content := range []string{xmlenc.AES256GCM, xmlenc.AES128GCM} {
		t.Run(content[strings.LastIndexByte(content, '#')+1:], func(t *testing.T) {
			idp, err := accounttest.NewServer(accounttest.Config{Now: func() time.Time { return now },
				SignatureMethod: signature.RSASHA256, KeyTransport: xmlenc.RSAOAEPMGF1P, ContentAlgorithm: content})
			require.NoError(t, err)
			defer idp.Close()
			sign, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "sp"})
			require.NoError(t, err)
			enc, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "sp enc"})
			require.NoError(t, err)
			md, err := (&saml.SPMetadata{EntityID: "https://sp.example.org/saml", ACSURL: "https://sp.example.org/acs",
				SigningCertificate: sign.Certificate, EncryptionCertificate: enc.Certificate}).Marshal()
			require.NoError(t, err)
			require.NoError(t, idp.RegisterSP(md))
			resp, err := idp.Respond(&saml.AuthnRequest{ID: "_req", Issuer: "https://sp.example.org/saml",
				ACSURL: "https://sp.example.org/acs", Level: account.LevelSubstanziell})
			require.NoError(t, err)

			dir := t.TempDir()
			keyPEM, _, err := signaturetest.EncodePEM(enc)
			require.NoError(t, err)
			write := func(name string, data []byte) string {
				p := filepath.Join(dir, name)
				require.NoError(t, os.WriteFile(p, data, 0o600))
				return p
			}
			keyFile := write("sp.key", keyPEM)
			idpCert := write("idp.pem", signaturetest.CertificatePEM(idp.Key().Certificate))
			run := func(args ...string) ([]byte, error) {
				var out, errb bytes.Buffer
				cmd := exec.Command(bin, args...)
				cmd.Stdout, cmd.Stderr = &out, &errb
				err := cmd.Run()
				if err != nil {
					t.Logf("xmlsec1 %v: %s", args[0], errb.String())
				}
				return out.Bytes(), err
			}
			decrypted, err := run("--decrypt", "--privkey-pem", keyFile, write("resp.xml", resp))
			require.NoError(t, err, "xmlsec1 could not decrypt the EncryptedAssertion")
			require.Contains(t, string(decrypted), "ERIKA")

			verifyArgs := []string{"--verify", "--pubkey-cert-pem", idpCert,
				"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"}
			_, err = run(append(verifyArgs, write("dec.xml", decrypted))...)
			require.NoError(t, err, "xmlsec1 rejected the Assertion signature")

			tampered := bytes.Replace(decrypted, []byte("ERIKA"), []byte("ERIKO"), 1)
			_, err = run(append(verifyArgs, write("bad.xml", tampered))...)
			assert.Error(t, err, "xmlsec1 accepted a tampered assertion")
		})
	}
}
