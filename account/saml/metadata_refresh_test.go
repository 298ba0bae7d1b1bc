package saml_test

import (
	"context"
	"crypto/x509"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// metadataProxy serves the simulator's metadata, or fails on demand.
type metadataProxy struct {
	*httptest.Server
	idp  *accounttest.Server
	mode atomic.Value // "ok", "500", "foreign", "garbage", "tampered", "huge"
	hits atomic.Int32
}

func newMetadataProxy(t *testing.T, idp *accounttest.Server) *metadataProxy {
	p := &metadataProxy{idp: idp}
	p.mode.Store("ok")
	foreign, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "foreign", UniqueKey: true})
	require.NoError(t, err)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.Add(1)
		md, err := idp.SignedMetadata()
		if err != nil {
			http.Error(w, "x", http.StatusInternalServerError)
			return
		}
		switch p.mode.Load() {
		case "500":
			http.Error(w, "down", http.StatusInternalServerError)
			return
		case "garbage":
			md = []byte("<not metadata")
		case "huge":
			md = []byte(strings.Repeat(" ", saml.MaxMetadataBytes+1))
		case "tampered":
			md = []byte(strings.Replace(string(md), "/idp/sso", "/idp/evil", 1))
		case "foreign":
			// Signed, but not by the pinned metadata signer.
			sim, err := accounttest.NewServer(accounttest.Config{MetadataKey: foreign})
			if err != nil {
				http.Error(w, "x", http.StatusInternalServerError)
				return
			}
			defer sim.Close()
			if md, err = sim.SignedMetadata(); err != nil {
				http.Error(w, "x", http.StatusInternalServerError)
				return
			}
		}
		_, _ = w.Write(md)
	}))
	t.Cleanup(p.Close)
	return p
}

// refreshEnv is a service provider that loads the simulator's metadata
// from a URL, with a fake clock.
type refreshEnv struct {
	*env
	proxy *metadataProxy
}

func newRefreshEnv(t *testing.T, idpCfg accounttest.Config, mutate func(*saml.Config)) *refreshEnv {
	t.Helper()
	c := &clock{now: t0}
	idpCfg.Now = c.Now
	idp, err := accounttest.NewServer(idpCfg)
	require.NoError(t, err)
	t.Cleanup(idp.Close)
	proxy := newMetadataProxy(t, idp)
	sign, enc := spKeys(t)
	dec, err := enc.Decrypter()
	require.NoError(t, err)
	cfg := saml.Config{
		EntityID: "https://service.example.org/saml", ACSURL: "https://service.example.org/saml/acs",
		SigningKey: sign, DecryptionKey: dec, EncryptionCertificate: enc.Certificate,
		IdPMetadataURL:      proxy.URL + "/idp/metadata",
		IdPMetadataSigners:  []*x509.Certificate{idp.MetadataCertificate()},
		Profile:             idp.Profile(),
		Level:               account.LevelSubstanziell,
		Extension:           defaultExtension(),
		Now:                 c.Now,
		Store:               saml.NewMemoryStore(),
		Logger:              slog.New(slog.DiscardHandler),
		InsecureDevelopment: true,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	sp := registerSP(t, idp, cfg)
	return &refreshEnv{env: &env{t: t, clock: c, idp: idp, sp: sp, cfg: cfg, store: cfg.Store}, proxy: proxy}
}

// TestMetadataRollover: the simulator rotates its signing key mid-run; the
// service provider follows through the signed metadata at its URL.
func TestMetadataRollover(t *testing.T) {
	t.Parallel()
	e := newRefreshEnv(t, accounttest.Config{MetadataCacheDuration: 10 * time.Minute}, nil)
	_, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
	st := e.sp.MetadataStatus()
	assert.Equal(t, 1, st.SigningCertificates)
	assert.Equal(t, t0.Add(10*time.Minute), st.NextRefresh, "cacheDuration shortens the refresh")

	// The IdP starts signing with a new key: the SP does not trust it yet.
	require.NoError(t, e.idp.RotateKey())
	_, err = e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.ErrorIs(t, err, saml.ErrSignature)

	// After a refresh both certificates are trusted (rollover).
	e.clock.Add(10 * time.Minute)
	require.NoError(t, e.sp.RefreshMetadata(t.Context()))
	assert.Equal(t, 2, e.sp.MetadataStatus().SigningCertificates)
	_, err = e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)

	// The IdP retires the old key; the SP keeps up.
	e.idp.RetireOldKeys()
	e.clock.Add(10 * time.Minute)
	require.NoError(t, e.sp.RefreshMetadata(t.Context()))
	assert.Equal(t, 1, e.sp.MetadataStatus().SigningCertificates)
	_, err = e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
}

// TestMetadataBackgroundRefresh: a login start after the refresh is due
// fetches the metadata in the background.
func TestMetadataBackgroundRefresh(t *testing.T) {
	t.Parallel()
	e := newRefreshEnv(t, accounttest.Config{}, func(c *saml.Config) { c.MetadataRefresh = 5 * time.Minute })
	hits := e.proxy.hits.Load()
	require.NoError(t, e.idp.RotateKey())
	start := func() {
		rec := httptest.NewRecorder()
		require.NoError(t, e.sp.StartLogin(t.Context(), rec, httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{}))
	}
	start() // not due yet: no fetch
	assert.Equal(t, hits, e.proxy.hits.Load())
	e.clock.Add(5 * time.Minute)
	start()
	require.Eventually(t, func() bool { return e.sp.MetadataStatus().SigningCertificates == 2 }, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, e.clock.Now().Add(5*time.Minute), e.sp.MetadataStatus().NextRefresh)
	_, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
	require.NoError(t, err)
}

// TestMetadataRefreshFailures: a failed refresh keeps the last good copy
// and backs off; every bad copy is refused.
func TestMetadataRefreshFailures(t *testing.T) {
	t.Parallel()
	e := newRefreshEnv(t, accounttest.Config{}, func(c *saml.Config) { c.MetadataRefresh = time.Hour })
	for i, mode := range []string{"500", "garbage", "foreign", "tampered", "huge", "500"} {
		e.proxy.mode.Store(mode)
		err := e.sp.RefreshMetadata(context.Background())
		require.ErrorIs(t, err, saml.ErrMetadata, mode)
		if mode == "huge" {
			require.ErrorContains(t, err, "over the size limit")
		}
		st := e.sp.MetadataStatus()
		assert.Equal(t, i+1, st.Failures, mode)
		backoff := min(time.Minute<<i, time.Hour)
		assert.Equal(t, e.clock.Now().Add(backoff), st.NextRefresh, mode)
		// The last good copy still logs citizens in.
		_, err = e.login(saml.LoginOptions{}, accounttest.Faults{})
		require.NoError(t, err, mode)
	}
	e.proxy.mode.Store("ok")
	require.NoError(t, e.sp.RefreshMetadata(context.Background()))
	assert.Equal(t, 0, e.sp.MetadataStatus().Failures)
}

// TestMetadataValidUntil: once the copy in use has expired and no fresh
// one arrives, logins are refused.
func TestMetadataValidUntil(t *testing.T) {
	t.Parallel()
	e := newRefreshEnv(t, accounttest.Config{MetadataValidity: time.Hour}, func(c *saml.Config) { c.MetadataRefresh = 24 * time.Hour })
	st := e.sp.MetadataStatus()
	assert.Equal(t, t0.Add(time.Hour), st.ValidUntil)
	assert.Equal(t, t0.Add(30*time.Minute), st.NextRefresh, "half the validity left")
	xml, pending := e.respond(saml.LoginOptions{}, accounttest.Faults{})
	e.proxy.mode.Store("500")
	e.clock.Add(time.Hour)
	_, err := e.sp.ParseResponse(t.Context(), xml, pending)
	require.ErrorIs(t, err, saml.ErrMetadata)
	err = e.sp.StartLogin(t.Context(), httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/login", nil), saml.LoginOptions{})
	require.ErrorIs(t, err, saml.ErrMetadata)
}

// TestMetadataURLConfig: fetched metadata must be signed by a pinned
// signer and come from an allowed URL.
func TestMetadataURLConfig(t *testing.T) {
	t.Parallel()
	e := newRefreshEnv(t, accounttest.Config{}, nil)
	other := otherKey(t)
	for name, mod := range map[string]func(*saml.Config){
		"no signers":             func(c *saml.Config) { c.IdPMetadataSigners = nil },
		"http without dev":       func(c *saml.Config) { c.InsecureDevelopment = false },
		"not a URL":              func(c *saml.Config) { c.IdPMetadataURL = "::" },
		"foreign signer":         func(c *saml.Config) { c.IdPMetadataSigners = []*x509.Certificate{other.Certificate} },
		"unreachable":            func(c *saml.Config) { c.IdPMetadataURL = "http://127.0.0.1:1/md" },
		"negative refresh":       func(c *saml.Config) { c.MetadataRefresh = -time.Second },
		"no metadata at all":     func(c *saml.Config) { c.IdPMetadataURL, c.IdPMetadata = "", nil },
		"profile entityID other": func(c *saml.Config) { c.Profile.IdPEntityID = "https://id.bund.de/idp" },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := e.cfg
			mod(&cfg)
			_, err := saml.New(cfg)
			assert.ErrorIs(t, err, saml.ErrInvalidConfig)
		})
	}
	for _, mode := range []string{"500", "garbage", "foreign", "tampered"} {
		e.proxy.mode.Store(mode)
		_, err := saml.New(e.cfg)
		assert.ErrorIs(t, err, saml.ErrInvalidConfig, mode)
	}
	// Without a URL there is nothing to refresh.
	plain := newEnv(t, accounttest.BundID, nil)
	assert.ErrorIs(t, plain.sp.RefreshMetadata(t.Context()), saml.ErrInvalidConfig)
	assert.True(t, plain.sp.MetadataStatus().NextRefresh.IsZero())
}

// TestCacheDuration: cacheDuration values of the metadata.
func TestCacheDuration(t *testing.T) {
	t.Parallel()
	idp, err := accounttest.NewServer(accounttest.Config{})
	require.NoError(t, err)
	defer idp.Close()
	md := string(idp.Metadata())
	for v, want := range map[string]time.Duration{
		"PT6H": 6 * time.Hour, "P1D": 24 * time.Hour, "P1DT12H": 36 * time.Hour, "PT90S": 90 * time.Second,
		"PT1.5M": 90 * time.Second, "PT0S": 0, "P3650D": 3650 * 24 * time.Hour,
		"P999999D": -1, "PT999999H": -1, "P3000DT999999M": -1,
		"P1Y": -1, "P1M": -1, "-PT1H": -1, "PT": -1, "P": -1, "PT1D": -1, "P1H": -1, "1H": -1, "PT1H1H2": -1, "PTTH": -1,
	} {
		data := strings.Replace(md, "<md:EntityDescriptor ", `<md:EntityDescriptor cacheDuration="`+v+`" `, 1)
		got, err := saml.ParseIdPMetadata([]byte(data))
		if want < 0 {
			assert.ErrorIs(t, err, saml.ErrMetadata, v)
			continue
		}
		require.NoError(t, err, v)
		assert.Equal(t, want, got.CacheDuration, v)
	}
}
