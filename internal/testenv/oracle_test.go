package testenv

// These tests prove that CI really has each counterpart and that it really
// judges: every oracle must both accept a good input and reject a bad one,
// so a broken or stubbed oracle fails here.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestOracleXMLLint(t *testing.T) {
	t.Parallel()
	xmllint := XMLLint(t)
	dir := t.TempDir()
	xsd := write(t, dir, "s.xsd", `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="r"><xs:complexType><xs:sequence>
    <xs:element name="n" type="xs:positiveInteger"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`)
	good := write(t, dir, "good.xml", `<r><n>3</n></r>`)
	bad := write(t, dir, "bad.xml", `<r><n>-3</n></r>`)
	out, err := exec.Command(xmllint, "--noout", "--schema", xsd, good).CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command(xmllint, "--noout", "--schema", xsd, bad).CombinedOutput()
	require.Error(t, err, "xmllint accepted an invalid document: %s", out)
	assert.Contains(t, string(out), "fails to validate")
}

func TestOracleXMLSec1(t *testing.T) {
	t.Parallel()
	xmlsec1 := XMLSec1(t)
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	keyPath := write(t, dir, "key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	pubPath := write(t, dir, "pub.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})))
	tmpl := write(t, dir, "tmpl.xml", `<doc><v>42</v><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>
<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo>
<SignatureValue/></Signature></doc>`)
	signed := filepath.Join(dir, "signed.xml")
	out, err := exec.Command(xmlsec1, "--sign", "--privkey-pem", keyPath, "--output", signed, tmpl).CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command(xmlsec1, "--verify", "--pubkey-pem", pubPath, signed).CombinedOutput()
	require.NoError(t, err, string(out))

	data, err := os.ReadFile(signed)
	require.NoError(t, err)
	tampered := write(t, dir, "tampered.xml", strings.Replace(string(data), "<v>42</v>", "<v>43</v>", 1))
	out, err = exec.Command(xmlsec1, "--verify", "--pubkey-pem", pubPath, tampered).CombinedOutput()
	require.Error(t, err, "xmlsec1 verified a tampered document: %s", out)
}

func TestOracleJavaXMLDSig(t *testing.T) {
	t.Parallel()
	java := Java(t)
	dir := t.TempDir()
	// Single-file source launch; the JDK's XML-DSig API must know RSA-PSS.
	src := write(t, dir, "Probe.java", `import javax.xml.crypto.dsig.*;
public class Probe {
  public static void main(String[] a) throws Exception {
    XMLSignatureFactory f = XMLSignatureFactory.getInstance("DOM");
    f.newSignatureMethod(a[0], null);
    System.out.println("ok " + a[0]);
  }
}`)
	out, err := exec.Command(java, src, "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1").CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "ok ")
	out, err = exec.Command(java, src, "urn:example:no-such-algorithm").CombinedOutput()
	require.Error(t, err, "JDK accepted an unknown algorithm: %s", out)
}

func TestOraclePostgres(t *testing.T) {
	t.Parallel()
	dsn := PostgresDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT 40 + 2").Scan(&n))
	assert.Equal(t, 42, n)
	_, err = conn.Exec(ctx, "SELECT * FROM no_such_table")
	var pe *pgconn.PgError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "42P01", pe.Code, "undefined_table")
}

func TestOracleSMTP(t *testing.T) {
	t.Parallel()
	s := SMTPServer(t)
	subject := fmt.Sprintf("ozg-oracle-%d", time.Now().UnixNano())
	msg := "From: a@example.org\r\nTo: b@example.org\r\nSubject: " + subject + "\r\n\r\nhello\r\n"
	require.NoError(t, smtp.SendMail(s.Addr, nil, "a@example.org", []string{"b@example.org"}, []byte(msg)))
	resp, err := http.Get(s.APIURL + "/api/v1/search?query=" + subject)
	require.NoError(t, err)
	defer resp.Body.Close()
	var got struct {
		MessagesCount int `json:"messages_count"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	assert.Equal(t, 1, got.MessagesCount)
	// A message that was never sent must not be found.
	resp2, err := http.Get(s.APIURL + "/api/v1/message/no-such-id")
	require.NoError(t, err)
	resp2.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp2.StatusCode)
}

func TestOracleChromium(t *testing.T) {
	t.Parallel()
	chromium := Chromium(t)
	profile := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+profile, "--dump-dom", "data:text/html,<p id=x>ozg</p><script>document.getElementById('x').textContent='js ran'</script>")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	require.NoError(t, cmd.Run())
	assert.Contains(t, stdout.String(), "js ran")
}

func TestOracleNode(t *testing.T) {
	t.Parallel()
	node := Node(t)
	out, err := exec.Command(node, "-e", `const c = require("node:crypto"); console.log(typeof c.webcrypto.subtle.importKey)`).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "function\n", string(out))
	out, err = exec.Command(node, "-e", `process.exit(3)`).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "node ignored a failing script: %s", out)
	assert.Equal(t, 3, exit.ExitCode())
}

func TestOraclePHP(t *testing.T) {
	t.Parallel()
	php := PHP(t, "dom")
	out, err := exec.Command(php, "-r", `$d = new DOMDocument(); $d->loadXML("<a><b>42</b></a>"); echo $d->documentElement->textContent;`).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "42", string(out))
	out, err = exec.Command(php, "-r", `exit(4);`).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "php ignored a failing script: %s", out)
	assert.Equal(t, 4, exit.ExitCode())
}

func TestOracleOpenSSLLegacy(t *testing.T) {
	t.Parallel()
	openssl := OpenSSLLegacy(t)
	dir := t.TempDir()
	// RC2-40 encryption needs the legacy provider; without -provider legacy
	// OpenSSL 3 refuses the cipher, so the oracle distinguishes the two.
	key := filepath.Join(dir, "k.pem")
	out, err := exec.Command(openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key).CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command(openssl, "enc", "-rc2-40-cbc", "-provider", "legacy", "-provider", "default",
		"-pass", "pass:x", "-pbkdf2", "-in", key, "-out", filepath.Join(dir, "k.enc")).CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command(openssl, "enc", "-rc2-40-cbc", "-pass", "pass:x", "-pbkdf2", "-in", key,
		"-out", filepath.Join(dir, "k2.enc")).CombinedOutput()
	require.Error(t, err, "rc2 without the legacy provider worked: %s", out)
}

func TestRepoPath(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "oracle_test.go", RepoPath(t, "oracle_test.go"))
}
