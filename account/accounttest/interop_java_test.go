package accounttest_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// TestJDKVerifiesSimulatorPSS shows that the simulator's RSA-PSS
// assertion signatures (xmldsig-more#sha256-rsa-MGF1, exc-C14N with
// InclusiveNamespaces "xsd", as BundID sends them) verify with the JDK's
// XML-DSig API, and that a tampered assertion does not.
func TestJDKVerifiesSimulatorPSS(t *testing.T) {
	javac, java := testenv.Javac(t), testenv.Java(t)
	classes := t.TempDir()
	out, err := exec.Command(javac, "-d", classes, filepath.Join("testdata", "java", "VerifyAssertion.java")).CombinedOutput()
	require.NoError(t, err, "javac: %s", out)

	for _, method := range []string{signature.RSAPSSSHA256, signature.RSASHA256} {
		t.Run(method, func(t *testing.T) {
			now := time.Now()
			idp, err := accounttest.NewServer(accounttest.Config{Now: func() time.Time { return now }, SignatureMethod: method})
			require.NoError(t, err)
			defer idp.Close()
			sign, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "sp"})
			require.NoError(t, err)
			md, err := (&saml.SPMetadata{EntityID: "https://sp.example.org/saml", ACSURL: "https://sp.example.org/acs",
				SigningCertificate: sign.Certificate, EncryptionCertificate: sign.Certificate}).Marshal()
			require.NoError(t, err)
			require.NoError(t, idp.RegisterSP(md))
			idp.SetFaults(accounttest.Faults{PlainAssertion: true})
			resp, err := idp.Respond(&saml.AuthnRequest{ID: "_req", Issuer: "https://sp.example.org/saml",
				ACSURL: "https://sp.example.org/acs", Level: account.LevelSubstanziell})
			require.NoError(t, err)
			doc, err := xmlsafe.Parse(resp, xmlsafe.Limits{})
			require.NoError(t, err)
			a := doc.Root().FindElement("./saml2:Assertion")
			require.NotNil(t, a)
			ad := etree.NewDocument()
			ad.SetRoot(a.Copy())
			assertion, err := ad.WriteToBytes()
			require.NoError(t, err)

			dir := t.TempDir()
			certFile := filepath.Join(dir, "idp.der")
			require.NoError(t, os.WriteFile(certFile, idp.Key().Certificate.Raw, 0o600))
			run := func(data []byte) (int, string) {
				p := filepath.Join(dir, "a.xml")
				require.NoError(t, os.WriteFile(p, data, 0o600))
				cmd := exec.Command(java, "-cp", classes, "VerifyAssertion", certFile, p)
				var buf bytes.Buffer
				cmd.Stdout, cmd.Stderr = &buf, &buf
				err := cmd.Run()
				if ee, ok := err.(*exec.ExitError); ok {
					return ee.ExitCode(), buf.String()
				}
				require.NoError(t, err)
				return 0, buf.String()
			}
			code, msg := run(assertion)
			require.Equal(t, 0, code, "JDK rejected the simulator's signature: %s", msg)
			assert.Contains(t, msg, method)
			code, msg = run(bytes.Replace(assertion, []byte("ERIKA"), []byte("ERIKO"), 1))
			assert.Equal(t, 1, code, "JDK accepted a tampered assertion: %s", msg)
		})
	}
}
