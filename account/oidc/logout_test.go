package oidc_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/oidc"
)

func TestLogoutToken(t *testing.T) {
	sim, c, _ := setup(t, nil)
	ctx := context.Background()
	raw, err := sim.LogoutToken("erika-7f3c", sim.SessionID(), nil)
	require.NoError(t, err)
	lt, err := c.VerifyLogoutToken(ctx, raw)
	require.NoError(t, err)
	assert.Equal(t, "erika-7f3c", lt.Subject)
	assert.Equal(t, sim.SessionID(), lt.SessionID)
	_, err = c.VerifyLogoutToken(ctx, raw)
	assert.ErrorIs(t, err, oidc.ErrReplay, "replayed logout token")
}

func TestLogoutTokenChecks(t *testing.T) {
	ev := map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}
	tests := []struct {
		name  string
		sub   string
		extra map[string]any
		want  error
		check string
	}{
		{"nonce present", "s", map[string]any{"nonce": "x"}, oidc.ErrNonce, "nonce"},
		{"events missing", "s", map[string]any{"events": nil}, oidc.ErrEvents, "events"},
		{"other event", "s", map[string]any{"events": map[string]any{"urn:x": map[string]any{}}}, oidc.ErrEvents, "events"},
		{"event not an object", "s", map[string]any{"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": "x"}}, oidc.ErrEvents, "events"},
		{"neither sub nor sid", "", nil, oidc.ErrSubject, "sub"},
		{"wrong aud", "s", map[string]any{"aud": "other"}, oidc.ErrAudience, "aud"},
		{"wrong iss", "s", map[string]any{"iss": "https://evil.example"}, oidc.ErrIssuer, "iss"},
		{"wrong azp", "s", map[string]any{"azp": "other"}, oidc.ErrAuthorizedParty, "azp"},
		{"missing iat", "s", map[string]any{"iat": nil}, oidc.ErrIssuedAt, "iat"},
		{"missing jti", "s", map[string]any{"jti": nil}, oidc.ErrMalformed, "jti"},
		{"expired", "s", map[string]any{"exp": 1}, oidc.ErrExpired, "exp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, c, _ := setup(t, nil)
			raw, err := sim.LogoutToken(tt.sub, "", tt.extra)
			require.NoError(t, err)
			_, err = c.VerifyLogoutToken(context.Background(), raw)
			assert.ErrorIs(t, err, tt.want)
			var ce *oidc.CheckError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.check, ce.Check)
		})
	}
	t.Run("typ JWT", func(t *testing.T) {
		sim, c, clk := setup(t, nil)
		raw, err := sim.Sign(map[string]any{"iss": sim.Issuer, "aud": "ozg-test", "sub": "s", "jti": "j", "iat": clk.Now().Unix(), "events": ev}, "JWT", accounttest.OIDCFaults{})
		require.NoError(t, err)
		_, err = c.VerifyLogoutToken(context.Background(), raw)
		assert.ErrorIs(t, err, oidc.ErrTokenType)
	})
	t.Run("ID token as logout token", func(t *testing.T) {
		sim, c, _ := setup(t, nil)
		raw, err := sim.IDToken("n", "")
		require.NoError(t, err)
		_, err = c.VerifyLogoutToken(context.Background(), raw)
		assert.ErrorIs(t, err, oidc.ErrTokenType)
	})
	t.Run("bad signature", func(t *testing.T) {
		sim, c, clk := setup(t, nil)
		raw, err := sim.Sign(map[string]any{"iss": sim.Issuer, "aud": "ozg-test", "sub": "s", "jti": "j", "iat": clk.Now().Unix(), "events": ev}, "logout+jwt", accounttest.OIDCFaults{BadSignature: true})
		require.NoError(t, err)
		_, err = c.VerifyLogoutToken(context.Background(), raw)
		assert.ErrorIs(t, err, oidc.ErrSignature)
	})
}

func TestBackChannelLogoutHandler(t *testing.T) {
	sim, c, _ := setup(t, nil)
	var ended []*oidc.LogoutToken
	h := c.BackChannelLogoutHandler(func(_ context.Context, lt *oidc.LogoutToken) error {
		ended = append(ended, lt)
		return nil
	})
	post := func(body string) int {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/backchannel", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	raw, err := sim.LogoutToken("", sim.SessionID(), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, post(url.Values{"logout_token": {raw}}.Encode()))
	assert.Equal(t, http.StatusBadRequest, post(url.Values{"logout_token": {raw}}.Encode()), "replay")
	assert.Equal(t, http.StatusBadRequest, post("logout_token=x"))
	assert.Equal(t, http.StatusBadRequest, post(""))
	require.Len(t, ended, 1)
	assert.Equal(t, sim.SessionID(), ended[0].SessionID)
}

func TestLogoutURL(t *testing.T) {
	sim, c, _ := setup(t, nil)
	u, err := c.LogoutURL("id.token.hint", "st")
	require.NoError(t, err)
	pu, err := url.Parse(u)
	require.NoError(t, err)
	assert.Equal(t, sim.URL+"/logout", pu.Scheme+"://"+pu.Host+pu.Path)
	assert.Equal(t, "id.token.hint", pu.Query().Get("id_token_hint"))
	assert.Equal(t, "ozg-test", pu.Query().Get("client_id"))
	assert.Equal(t, "http://127.0.0.1/", pu.Query().Get("post_logout_redirect_uri"))
	assert.Equal(t, "st", pu.Query().Get("state"))
}
