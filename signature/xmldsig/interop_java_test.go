package xmldsig_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// javaOracle compiles testdata/java/XmlDsigOracle.java once into a
// temporary directory and runs it.
type javaOracle struct {
	java, classes, dir string
}

func newJavaOracle(t *testing.T) *javaOracle {
	t.Helper()
	javac := testenv.Javac(t)
	java := testenv.Java(t)
	classes := t.TempDir()
	out, err := exec.Command(javac, "-d", classes, filepath.Join("testdata", "java", "XmlDsigOracle.java")).CombinedOutput()
	require.NoError(t, err, "javac: %s", out)
	return &javaOracle{java: java, classes: classes, dir: t.TempDir()}
}

func (j *javaOracle) file(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(j.dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

// batch runs the commands in one JVM and returns one result line per
// command ("valid", "invalid", "signed" or "error: …").
func (j *javaOracle) batch(t *testing.T, cmds [][]string) []string {
	t.Helper()
	var in bytes.Buffer
	for _, c := range cmds {
		in.WriteString(strings.Join(c, " ") + "\n")
	}
	cmd := exec.Command(j.java, "-cp", j.classes, "XmlDsigOracle", "batch")
	cmd.Stdin = &in
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	require.NoError(t, cmd.Run(), "java: %s", stderr.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, len(cmds), "java output: %s", out.String())
	return lines
}

// TestJavaRSAPSSInterop: RSA-PSS SHA-256/384/512 (RFC 6931 URIs, salt
// length = hash length) in both directions against the JDK's XML-DSig API,
// with a pinned key; a tampered byte fails on both sides. All JDK work runs
// in one JVM.
func TestJavaRSAPSSInterop(t *testing.T) {
	j := newJavaOracle(t)
	ctx := context.Background()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "PSS Oracle", Key: signaturetest.RSA2048})
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(kp.Signer)
	require.NoError(t, err)
	keyFile := j.file(t, "key.pk8.der", keyDER)
	certFile := j.file(t, "cert.der", kp.Certificate.Raw)
	v := newVerifier(t, xmldsig.VerifierConfig{Trust: trustPinned(t, kp.Certificate)})
	in := j.file(t, "in.xml", docOfSize(2<<10))
	methods := []string{signature.RSAPSSSHA256, signature.RSAPSSSHA384, signature.RSAPSSSHA512}

	// Phase 1: our signatures (and tampered copies) for the JDK; JDK
	// signatures of the same document for us.
	var cmds [][]string
	for i, m := range methods {
		signed, err := newSigner(t, xmldsig.SignerConfig{Key: kp, SignatureMethod: m}).Sign(docOfSize(2 << 10))
		require.NoError(t, err)
		cmds = append(cmds,
			[]string{"verify", certFile, j.file(t, fmt.Sprintf("ours-%d.xml", i), signed)},
			[]string{"verify", certFile, j.file(t, fmt.Sprintf("ours-bad-%d.xml", i), tamper(t, signed))},
			[]string{"sign", m, keyFile, certFile, in, filepath.Join(j.dir, fmt.Sprintf("java-%d.xml", i))})
	}
	res := j.batch(t, cmds)

	for i, m := range methods {
		name := m[len("http://www.w3.org/2007/05/xmldsig-more#"):]
		t.Run(name+"/ours-to-java", func(t *testing.T) {
			assert.Equal(t, "valid", res[3*i], "java rejected our signature")
			assert.Equal(t, "invalid", res[3*i+1], "java accepted a tampered document")
		})
		t.Run(name+"/java-to-ours", func(t *testing.T) {
			require.Equal(t, "signed", res[3*i+2])
			signed, err := os.ReadFile(filepath.Join(j.dir, fmt.Sprintf("java-%d.xml", i)))
			require.NoError(t, err)
			r, err := v.Verify(ctx, signed)
			require.NoError(t, err)
			assert.Equal(t, m, r.SignatureMethod)
			_, err = v.Verify(ctx, tamper(t, signed))
			assert.ErrorIs(t, err, xmldsig.ErrInvalidSignature)
		})
	}
}
