package accounttest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

// TestStart wires an application's login test in a few lines.
func TestStart(t *testing.T) {
	for _, mode := range []accounttest.Mode{accounttest.BundID, accounttest.MUK} {
		idp := accounttest.StartWith(t, accounttest.Config{Mode: mode})
		var sp *saml.ServiceProvider
		mux := http.NewServeMux()
		mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
			_ = sp.StartLogin(r.Context(), w, r, saml.LoginOptions{})
		})
		mux.HandleFunc("POST /acs", func(w http.ResponseWriter, r *http.Request) {
			login, err := sp.FinishLogin(r.Context(), w, r)
			if err != nil {
				http.Error(w, "refused", http.StatusForbidden)
				return
			}
			fmt.Fprint(w, login.Identity.Level)
		})
		app := httptest.NewServer(mux)
		t.Cleanup(app.Close)
		sp = idp.NewSP(t, app.URL+"/acs", nil)

		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		resp, body, err := accounttest.Browse(context.Background(), &http.Client{Jar: jar}, app.URL+"/login")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.NotEqual(t, account.LevelUnknown.String(), body)
	}
	assert.NotNil(t, accounttest.Start(t).Profile())
}
