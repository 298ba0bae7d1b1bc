package sqlstore_test

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/internal/testenv"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// TestTwoInstances runs two service provider instances behind one
// round-robin "load balancer" sharing one store: a login started on one
// instance finishes on the other, and a replayed response is refused by
// either.
func TestTwoInstances(t *testing.T) {
	t.Run("sqlite file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "shared.db")
		twoInstances(t, func(t *testing.T) *sqlstore.Store {
			s, err := sqlstore.OpenSQLite(context.Background(), path)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := testenv.PostgresDatabase(t)
		twoInstances(t, func(t *testing.T) *sqlstore.Store {
			s, err := sqlstore.OpenPostgres(context.Background(), dsn)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
}

func twoInstances(t *testing.T, open func(t *testing.T) *sqlstore.Store) {
	now := func() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) }
	idp, err := accounttest.NewServer(accounttest.Config{Now: now})
	require.NoError(t, err)
	defer idp.Close()
	sign, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "sp"})
	require.NoError(t, err)
	enc, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "sp enc"})
	require.NoError(t, err)
	dec, err := enc.Decrypter()
	require.NoError(t, err)

	var sps [2]*saml.ServiceProvider
	var next atomic.Int32
	errs := make(chan error, 4)
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sp := sps[next.Add(1)%2]
		switch r.URL.Path {
		case "/login":
			_ = sp.StartLogin(r.Context(), w, r, saml.LoginOptions{})
		case "/acs":
			login, err := sp.FinishLogin(r.Context(), w, r)
			if err != nil {
				errs <- err
				http.Error(w, "login failed", http.StatusForbidden)
				return
			}
			_, _ = w.Write([]byte("ok " + login.Identity.Level.String()))
		}
	}))
	defer lb.Close()
	for i := range sps {
		sps[i], err = saml.New(saml.Config{
			EntityID: "https://service.example.org/saml", ACSURL: lb.URL + "/acs",
			SigningKey: sign, DecryptionKey: dec, EncryptionCertificate: enc.Certificate,
			IdPMetadata: idp.Metadata(), Profile: idp.Profile(), Level: account.LevelSubstanziell,
			Extension: &saml.Extension{
				RequestedAttributes: []saml.RequestedAttribute{{Name: account.AttrBPK2, Required: true}},
				Display:             saml.DisplayInformation{OrganizationDisplayName: "Stadt Musterstadt", OnlineServiceID: "99123456760000"},
			},
			Store: open(t), InsecureDevelopment: true, Now: now, Logger: slog.New(slog.DiscardHandler),
		})
		require.NoError(t, err)
	}
	md, err := sps[0].Metadata()
	require.NoError(t, err)
	require.NoError(t, idp.RegisterSP(md))

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	resp, body, err := accounttest.Browse(context.Background(), client, lb.URL+"/login")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "ok hoch", body)

	// Replay the same SAMLResponse with a fresh RelayState on both
	// instances: the request is consumed and the assertion ID recorded.
	raw := idp.LastResponse()
	for range 2 {
		r, err := client.PostForm(lb.URL+"/acs", url.Values{"SAMLResponse": {b64(raw)}, "RelayState": {"x"}})
		require.NoError(t, err)
		r.Body.Close()
		assert.Equal(t, http.StatusForbidden, r.StatusCode)
		assert.ErrorIs(t, <-errs, saml.ErrInResponseTo)
	}
	// Same assertion presented to ParseResponse of the other instance with
	// a matching pending request: the shared replay cache refuses it.
	irt := between(string(raw), `InResponseTo="`, `"`)
	_, err = sps[1].ParseResponse(context.Background(), raw, saml.PendingRequest{ID: irt, Level: account.LevelSubstanziell})
	assert.ErrorIs(t, err, saml.ErrReplay)
	_, err = sps[0].ParseResponse(context.Background(), raw, saml.PendingRequest{ID: irt, Level: account.LevelSubstanziell})
	assert.ErrorIs(t, err, saml.ErrReplay)
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	return s[:strings.Index(s, b)]
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
