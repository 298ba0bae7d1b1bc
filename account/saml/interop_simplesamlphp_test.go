package saml_test

import (
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// SimpleSAMLphp 1.19 (Debian package simplesamlphp) is a widely deployed
// SAML IdP we did not write. TestSimpleSAMLphp configures it in a temp
// dir, serves it with PHP's built-in web server (one server for the whole
// test) and logs in end to end through account/saml. SimpleSAMLphp 1.19
// encrypts only with rsa-oaep-mgf1p + AES-128-CBC and cannot verify RSA-PSS,
// so its encrypted case runs with the explicit CBC opt-in and our requests
// are signed with rsa-sha256; GCM and PSS are proven against xmlsec1,
// OpenSSL and the JDK (signature/xmlenc, signature/xmldsig).

const passwordRef = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"

// sspVariant is one SP registered at SimpleSAMLphp.
type sspVariant struct {
	name    string
	binding string
	extra   string // PHP array entries added to the SP's remote metadata
	mutate  func(*saml.Config)
}

var sspVariants = []sspVariant{
	{name: "post", binding: saml.BindingHTTPPost, extra: `'saml20.sign.response' => true, 'saml20.sign.assertion' => true,`},
	{name: "redirect", binding: saml.BindingHTTPRedirect, extra: `'saml20.sign.response' => false, 'saml20.sign.assertion' => true,`},
	{name: "response-signed", binding: saml.BindingHTTPPost, extra: `'saml20.sign.response' => true, 'saml20.sign.assertion' => false,`},
	{name: "encrypted", binding: saml.BindingHTTPPost, extra: `'saml20.sign.response' => true, 'saml20.sign.assertion' => true, 'assertion.encryption' => true,`,
		mutate: func(c *saml.Config) {
			// SimpleSAMLphp 1.19 hard-codes rsa-oaep-mgf1p + AES-128-CBC.
			c.InsecureAllowCBC = true
			c.KeyTransports = []string{xmlenc.RSAOAEPMGF1P}
			c.ContentAlgorithms = []string{xmlenc.AES128CBC}
		}},
}

// sspCommon are the remote-SP settings of every variant: signed requests
// required, URI attribute names, a persistent NameID from uid, the
// Password class ref, and a filter that refuses user mallory with a SAML
// error response (a wrong password only shows the form again).
const sspCommon = `
	'validate.authnrequest' => true,
	'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
	'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
	'authproc' => [
		5 => ['class' => 'core:PHP', 'code' => 'if (($attributes["uid"][0] ?? "") === "mallory") { \SimpleSAML\Auth\State::throwException($state, new \SimpleSAML\Module\saml\Error(\SAML2\Constants::STATUS_RESPONDER, \SAML2\Constants::STATUS_REQUEST_DENIED, "denied")); }'],
		10 => ['class' => 'saml:PersistentNameID', 'attribute' => 'uid'],
		20 => ['class' => 'saml:AuthnContextClassRef', 'AuthnContextClassRef' => '` + passwordRef + `'],
	],
`

const sspAuthsources = `<?php
$config = [
	'admin' => ['core:AdminPassword'],
	'example-userpass' => [
		'exampleauth:UserPass',
		'erika:geheim' => [
			'uid' => ['erika'],
			'urn:oid:2.5.4.42' => ['Erika'],
			'urn:oid:2.5.4.4' => ['Mustermann'],
			'urn:oid:1.2.40.0.10.2.1.1.55' => ['1964-08-12'],
			'urn:oid:0.9.2342.19200300.100.1.3' => ['erika@example.org'],
			'urn:oid:1.3.6.1.4.1.33592.1.3.5' => ['w'],
		],
		'mallory:geheim' => ['uid' => ['mallory'], 'urn:oid:2.5.4.42' => ['Mallory']],
	],
];
`

// sspRemoteGen turns our SP metadata into saml20-sp-remote.php with
// SimpleSAMLphp's own parser, so that it proves SimpleSAMLphp accepts the
// metadata. Arguments: pairs of metadata file and extra-settings file.
const sspRemoteGen = `<?php
require '/usr/share/simplesamlphp/lib/_autoload.php';
$out = "<?php\n";
for ($i = 1; $i + 1 < $argc; $i += 2) {
	$entities = \SimpleSAML\Metadata\SAMLParser::parseDescriptorsString(file_get_contents($argv[$i]));
	foreach ($entities as $entity) {
		$md = $entity->getMetadata20SP();
		if ($md === null) { fwrite(STDERR, "no SPSSODescriptor in " . $argv[$i] . "\n"); exit(1); }
		$md = array_merge($md, require $argv[$i + 1]);
		$out .= '$metadata[' . var_export($md['entityid'], true) . '] = ' . var_export($md, true) . ";\n";
	}
}
echo $out;
`

// ssp is a running SimpleSAMLphp.
type ssp struct {
	base     string // http://127.0.0.1:PORT/simplesaml/
	dir      string
	php      string
	idpCert  *x509.Certificate
	metadata string // IdP metadata URL
}

func startSSP(t *testing.T) *ssp {
	t.Helper()
	testenv.SimpleSAMLphp(t)
	php := testenv.PHP(t, "dom", "mbstring", "curl", "openssl")
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	s := &ssp{base: fmt.Sprintf("http://127.0.0.1:%d/simplesaml/", port), dir: dir, php: php}
	s.metadata = s.base + "saml2/idp/metadata.php"

	for _, d := range []string{"cert", "metadata", "tmp", "log", "data", "sessions", "docroot", "sp"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, d), 0o700))
	}
	require.NoError(t, os.CopyFS(filepath.Join(dir, "config"), os.DirFS("/etc/simplesamlphp")))
	idp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "simplesamlphp idp", UniqueKey: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)})
	require.NoError(t, err)
	s.idpCert = idp.Certificate
	keyPEM, certPEM, err := signaturetest.EncodePEM(idp)
	require.NoError(t, err)
	write := func(name string, data []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	write("cert/idp.key", keyPEM)
	write("cert/idp.crt", certPEM)
	cfg, err := os.ReadFile(filepath.Join(dir, "config", "config.php"))
	require.NoError(t, err)
	q := func(p string) string { return "'" + strings.ReplaceAll(p, "'", `\'`) + "'" }
	cfg = append(cfg, []byte(fmt.Sprintf(`
$config['baseurlpath'] = %s;
$config['certdir'] = %s;
$config['metadatadir'] = %s;
$config['tempdir'] = %s;
$config['loggingdir'] = %s;
$config['datadir'] = %s;
$config['secretsalt'] = %s;
$config['enable.saml20-idp'] = true;
$config['logging.handler'] = 'file';
$config['logging.level'] = SimpleSAML\Logger::DEBUG;
$config['module.enable']['exampleauth'] = true;
$config['session.cookie.secure'] = false;
$config['session.cookie.samesite'] = null;
$config['metadata.sources'] = [['type' => 'flatfile']];
`, q(s.base), q(dir+"/cert/"), q(dir+"/metadata/"), q(dir+"/tmp"), q(dir+"/log/"), q(dir+"/data/"), q(randomHex(t))))...)
	write("config/config.php", cfg)
	write("config/authsources.php", []byte(sspAuthsources))
	write("metadata/saml20-idp-hosted.php", []byte(`<?php
$metadata['__DYNAMIC:1__'] = [
	'host' => '__DEFAULT__',
	'privatekey' => 'idp.key',
	'certificate' => 'idp.crt',
	'auth' => 'example-userpass',
	'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
	'metadata.sign.enable' => true,
	'SingleSignOnServiceBinding' => ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'],
];
`))
	write("metadata/saml20-sp-remote.php", []byte("<?php\n"))
	write("sp/gen.php", []byte(sspRemoteGen))
	require.NoError(t, os.Symlink(filepath.Join(testenv.SimpleSAMLphpDir, "www"), filepath.Join(dir, "docroot", "simplesaml")))

	cmd := exec.Command(php, "-d", "opcache.enable=0", "-d", "session.save_path="+filepath.Join(dir, "sessions"),
		"-S", fmt.Sprintf("127.0.0.1:%d", port), "-t", filepath.Join(dir, "docroot"))
	cmd.Env = append(os.Environ(), "SIMPLESAMLPHP_CONFIG_DIR="+filepath.Join(dir, "config"))
	var stderr strings.Builder
	cmd.Stderr = &syncWriter{w: &stderr}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "log", "simplesamlphp.log"))
			_ = os.WriteFile(filepath.Join(os.TempDir(), "ozg-simplesamlphp.log"), log, 0o600)
			t.Logf("php server:\n%s\nsimplesamlphp log (tail):\n%s", tail(stderr.String(), 3000), tail(string(log), 6000))
		}
	})
	// Wait for the server to answer (process start-up, not a timing test).
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(s.metadata)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("SimpleSAMLphp did not start: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func randomHex(t *testing.T) string {
	kp, err := signaturetest.SelfSigned(signaturetest.Options{UniqueKey: true})
	require.NoError(t, err)
	return fmt.Sprintf("%x", kp.Certificate.SerialNumber)
}

// register hands our SP metadata to SimpleSAMLphp through its own parser.
func (s *ssp) register(t *testing.T, mds map[string][]byte, extras map[string]string) {
	t.Helper()
	args := []string{filepath.Join(s.dir, "sp", "gen.php")}
	for name, md := range mds {
		mdFile := filepath.Join(s.dir, "sp", name+".xml")
		exFile := filepath.Join(s.dir, "sp", name+".php")
		require.NoError(t, os.WriteFile(mdFile, md, 0o600))
		require.NoError(t, os.WriteFile(exFile, []byte("<?php\nreturn ["+sspCommon+extras[name]+"];\n"), 0o600))
		args = append(args, mdFile, exFile)
	}
	cmd := exec.Command(s.php, args...)
	cmd.Env = append(os.Environ(), "SIMPLESAMLPHP_CONFIG_DIR="+filepath.Join(s.dir, "config"))
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && errorAs(err, &ee) {
		t.Fatalf("SimpleSAMLphp refused our SP metadata: %s", ee.Stderr)
	}
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(s.dir, "metadata", "saml20-sp-remote.php"), out, 0o600))
}

// sspSP is one of our service providers behind an httptest server.
type sspSP struct {
	sp    *saml.ServiceProvider
	clock *clock
	logs  *recorder
	errs  chan error
	ids   chan *account.Identity
}

func TestSimpleSAMLphp(t *testing.T) {
	s := startSSP(t)
	mux := http.NewServeMux()
	web := httptest.NewServer(mux)
	t.Cleanup(web.Close)

	sign, enc := spKeys(t)
	dec, err := enc.Decrypter()
	require.NoError(t, err)
	sps := map[string]*sspSP{}
	mds := map[string][]byte{}
	extras := map[string]string{}
	for _, v := range sspVariants {
		x := &sspSP{clock: &clock{now: time.Now()}, logs: &recorder{}, errs: make(chan error, 4), ids: make(chan *account.Identity, 4)}
		cfg := saml.Config{
			EntityID: "https://sp.example.org/" + v.name, ACSURL: web.URL + "/acs/" + v.name,
			SigningKey: sign, DecryptionKey: dec, EncryptionCertificate: enc.Certificate,
			// Loaded from its URL and verified against the pinned signer:
			// SimpleSAMLphp signs its metadata with the IdP key.
			IdPMetadataURL:      s.metadata,
			IdPMetadataSigners:  []*x509.Certificate{s.idpCert},
			Profile:             saml.Generic(),
			Level:               account.LevelBasisregistrierung,
			AuthnContextLevels:  map[string]account.Level{passwordRef: account.LevelBasisregistrierung},
			RequiredAttributes:  []string{account.AttrGivenName},
			Binding:             v.binding,
			Store:               saml.NewMemoryStore(),
			Now:                 x.clock.Now,
			Logger:              slog.New(x.logs.handler()),
			InsecureDevelopment: true, // both servers are plain http on loopback
		}
		cfg.Profile.IdPEntityID = s.metadata
		if v.mutate != nil {
			v.mutate(&cfg)
		}
		x.sp, err = saml.New(cfg)
		require.NoError(t, err, v.name)
		assert.Equal(t, v.binding, x.sp.Binding())
		md, err := x.sp.Metadata()
		require.NoError(t, err)
		mds[v.name], extras[v.name], sps[v.name] = md, v.extra, x
		mux.HandleFunc("GET /login/"+v.name, func(w http.ResponseWriter, r *http.Request) {
			if err := x.sp.StartLogin(r.Context(), w, r, saml.LoginOptions{ReturnTo: "/done"}); err != nil {
				http.Error(w, "start failed: "+err.Error(), http.StatusInternalServerError)
			}
		})
		mux.HandleFunc("POST /acs/"+v.name, func(w http.ResponseWriter, r *http.Request) {
			login, err := x.sp.FinishLogin(r.Context(), w, r)
			if err != nil {
				x.errs <- err
				http.Error(w, "login failed", http.StatusForbidden)
				return
			}
			x.ids <- login.Identity
			fmt.Fprint(w, "ok")
		})
	}
	s.register(t, mds, extras)

	for _, v := range sspVariants {
		t.Run("login "+v.name, func(t *testing.T) {
			x := sps[v.name]
			status, body, _ := sspBrowse(t, web.URL+"/login/"+v.name, "erika", "geheim", false)
			require.Equal(t, http.StatusOK, status, "%s\n%s", body, drain(x.errs))
			id := recv(t, x.ids)
			assert.Equal(t, account.ProviderSAML, id.Provider)
			assert.Equal(t, s.metadata, id.Issuer)
			assert.False(t, id.Temporary)
			assert.Equal(t, saml.NameIDFormatPersistent, id.NameIDFormat)
			assert.NotEmpty(t, id.Subject)
			require.NoError(t, id.Validate())
			assert.Equal(t, account.LevelBasisregistrierung, id.Level)
			require.NotNil(t, id.Person)
			assert.Equal(t, "Erika", id.Person.GivenNames.Value)
			assert.Equal(t, "Mustermann", id.Person.FamilyName.Value)
			assert.Equal(t, account.Date{Year: 1964, Month: 8, Day: 12}, id.Person.BirthDate.Value)
			assert.Equal(t, "erika@example.org", id.Person.Email.Value)
			// The malformed optional gender "w" is reported, not fatal.
			require.Len(t, id.InvalidAttributes, 1)
			assert.Equal(t, account.AttrGender, id.InvalidAttributes[0].Name)
		})
	}

	t.Run("same subject across bindings", func(t *testing.T) {
		// PersistentNameID is per SP entityID: stable at one SP.
		x := sps["post"]
		status, _, _ := sspBrowse(t, web.URL+"/login/post", "erika", "geheim", false)
		require.Equal(t, http.StatusOK, status)
		first := recv(t, x.ids)
		status, _, _ = sspBrowse(t, web.URL+"/login/post", "erika", "geheim", false)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, first.Subject, recv(t, x.ids).Subject)
	})

	t.Run("refused by an authproc filter", func(t *testing.T) {
		x := sps["post"]
		status, _, _ := sspBrowse(t, web.URL+"/login/post", "mallory", "geheim", false)
		require.Equal(t, http.StatusForbidden, status)
		err := recv(t, x.errs)
		var se *saml.StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, saml.StatusResponder, se.Code)
		assert.Equal(t, saml.StatusRequestDenied, se.SubCode)
		assert.True(t, se.Verified, "SimpleSAMLphp signs its error responses")
		assert.Contains(t, x.logs.all(), "saml: login refused")
	})

	t.Run("stale response refused", func(t *testing.T) {
		x := sps["post"]
		_, _, held := sspBrowse(t, web.URL+"/login/post", "erika", "geheim", true)
		require.NotNil(t, held)
		x.clock.Add(saml.DefaultMaxResponseAge + 2*saml.DefaultSkew)
		defer x.clock.Add(-(saml.DefaultMaxResponseAge + 2*saml.DefaultSkew))
		resp, err := held.client.Do(held.req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.ErrorIs(t, recv(t, x.errs), saml.ErrExpired)
	})

	t.Run("replayed response refused", func(t *testing.T) {
		x := sps["redirect"]
		_, _, held := sspBrowse(t, web.URL+"/login/redirect", "erika", "geheim", true)
		require.NotNil(t, held)
		body := held.body
		resp, err := held.client.Do(held.req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		recv(t, x.ids)
		again, err := http.NewRequest(http.MethodPost, held.req.URL.String(), strings.NewReader(body))
		require.NoError(t, err)
		again.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err = held.client.Do(again)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.ErrorIs(t, recv(t, x.errs), saml.ErrInResponseTo)
	})

	t.Run("SimpleSAMLphp refuses an unsigned request", func(t *testing.T) {
		// validate.authnrequest: the signature we send is what it checks.
		x := sps["redirect"]
		rec := httptest.NewRecorder()
		require.NoError(t, x.sp.StartLogin(t.Context(), rec, httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{}))
		loc, err := url.Parse(rec.Header().Get("Location"))
		require.NoError(t, err)
		q := loc.Query()
		q.Del("Signature")
		q.Del("SigAlg")
		loc.RawQuery = q.Encode()
		resp, err := http.Get(loc.String())
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.NotContains(t, string(b), "AuthState", "no login form for an unsigned request")
		log, err := os.ReadFile(filepath.Join(s.dir, "log", "simplesamlphp.log"))
		require.NoError(t, err)
		assert.Contains(t, string(log), "no signature found on message")
	})
}

// recv takes the ACS handler's result; the handler has answered before the
// browser got its response, so the value is there or never comes.
func recv[T any](t *testing.T, ch chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	default:
		t.Fatal("the ACS handler did not report a result")
		var zero T
		return zero
	}
}

func drain(ch chan error) string {
	select {
	case err := <-ch:
		return err.Error()
	default:
		return ""
	}
}

// heldResponse is the ACS POST a test sends itself.
type heldResponse struct {
	client *http.Client
	req    *http.Request
	body   string
}

var (
	sspActionRE = regexp.MustCompile(`<form[^>]*action="([^"]*)"`)
	sspInputRE  = regexp.MustCompile(`<input[^>]*>`)
	sspAttrRE   = regexp.MustCompile(`(name|value)="([^"]*)"`)
)

// sspBrowse plays the browser: our login start, SimpleSAMLphp's login
// form (username, password, AuthState) and the auto-submitting forms. With
// hold it returns the final POST to our ACS instead of sending it.
func sspBrowse(t *testing.T, start, user, pass string, hold bool) (int, string, *heldResponse) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	req, err := http.NewRequest(http.MethodGet, start, nil)
	require.NoError(t, err)
	for range 10 {
		resp, err := client.Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		require.NoError(t, err)
		page := string(b)
		m := sspActionRE.FindStringSubmatch(page)
		if m == nil || resp.StatusCode != http.StatusOK {
			return resp.StatusCode, page, nil
		}
		action, err := resp.Request.URL.Parse(html.UnescapeString(m[1]))
		require.NoError(t, err)
		form := url.Values{}
		for _, in := range sspInputRE.FindAllString(page, -1) {
			var name, value string
			for _, a := range sspAttrRE.FindAllStringSubmatch(in, -1) {
				if a[1] == "name" {
					name = html.UnescapeString(a[2])
				} else {
					value = html.UnescapeString(a[2])
				}
			}
			if name != "" && name != "username" && name != "password" {
				form.Set(name, value)
			}
		}
		switch {
		case form.Has("AuthState"):
			form.Set("username", user)
			form.Set("password", pass)
		case form.Has("SAMLResponse") || form.Has("SAMLRequest"):
		default:
			return resp.StatusCode, page, nil
		}
		req, err = http.NewRequest(http.MethodPost, action.String(), strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if hold && form.Has("SAMLResponse") {
			_, err := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
			require.NoError(t, err)
			return 0, "", &heldResponse{client: client, req: req, body: form.Encode()}
		}
	}
	t.Fatal("too many hops")
	return 0, "", nil
}
