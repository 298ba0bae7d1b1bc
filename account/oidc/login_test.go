package oidc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/oidc"
)

func TestLogin(t *testing.T) {
	sim, c, _ := setup(t, nil)
	l, err := login(t, sim, c)
	require.NoError(t, err)
	id := l.Identity
	assert.Equal(t, oidc.ProviderOIDC, id.Provider)
	assert.Equal(t, sim.Issuer, id.Issuer)
	assert.Equal(t, "erika-7f3c", id.Subject)
	assert.Equal(t, account.LevelSubstanziell, id.Level)
	require.NotNil(t, id.Person)
	assert.Equal(t, "Erika", id.Person.GivenNames.Value)
	assert.Equal(t, account.Date{Year: 1964, Month: time.August, Day: 12}, id.Person.BirthDate.Value)
	assert.Equal(t, "DE", id.Person.Address.Country.Value)
	assert.Equal(t, "erika@example.org", id.Person.Email.Value)
	assert.Equal(t, sim.SessionID(), l.IDToken.SessionID)
}

func TestAuthorizationRequest(t *testing.T) {
	sim, c, _ := setup(t, nil)
	u, err := c.AuthorizationURL(context.Background(), newRecorder(), newRequest(), oidc.LoginOptions{MinLevel: account.LevelHoch, MaxAge: time.Minute})
	require.NoError(t, err)
	pu, err := url.Parse(u)
	require.NoError(t, err)
	q := pu.Query()
	assert.Equal(t, "S256", q.Get("code_challenge_method"))
	assert.Len(t, q.Get("code_challenge"), 43)
	assert.Len(t, q.Get("state"), 43)
	assert.Len(t, q.Get("nonce"), 43)
	assert.Equal(t, "openid profile email", q.Get("scope"))
	assert.Equal(t, account.LevelHoch.EIDAS(), q.Get("acr_values"))
	assert.Equal(t, "60", q.Get("max_age"))
	_ = sim
}

func TestClientAuthentication(t *testing.T) {
	for _, m := range []string{oidc.AuthClientSecretBasic, oidc.AuthClientSecretPost} {
		t.Run(m, func(t *testing.T) {
			sim, c, _ := setup(t, func(cfg *oidc.Config) { cfg.ClientAuth = m })
			_, err := login(t, sim, c)
			require.NoError(t, err)
		})
	}
	t.Run("private_key_jwt", func(t *testing.T) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		clk := newClock()
		sim := accounttest.StartOIDCWith(t, accounttest.OIDCConfig{Now: clk.Now, ClientKey: &key.PublicKey})
		cfg := sim.Config()
		cfg.ClientSecret = ""
		cfg.ClientKey = &oidc.ClientKey{Signer: key, KeyID: "rp1"}
		c, err := oidc.New(context.Background(), cfg)
		require.NoError(t, err)
		_, err = login(t, sim, c)
		require.NoError(t, err)
		// A secret-authenticated client is refused when a key is registered.
		cfg.ClientKey, cfg.ClientSecret = nil, "guess"
		c2, err := oidc.New(context.Background(), cfg)
		require.NoError(t, err)
		_, err = login(t, sim, c2)
		var pe *oidc.ProviderError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "invalid_client", pe.Code)
		assert.ErrorIs(t, err, oidc.ErrTokenEndpoint)
	})
}

// TestFaults: one row per check of FinishLogin and VerifyIDToken; each
// fails when its check is removed (the simulator's answer is otherwise
// valid).
func TestFaults(t *testing.T) {
	now := func(clk *clock, d time.Duration) int64 { return clk.Now().Add(d).Unix() }
	tests := []struct {
		name   string
		faults func(*clock) accounttest.OIDCFaults
		cfg    func(*oidc.Config)
		want   error
		check  string
	}{
		{"bad signature", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{BadSignature: true} }, nil, oidc.ErrSignature, "signature"},
		{"wrong iss", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{Issuer: "https://evil.example"} }, nil, oidc.ErrIssuer, "iss"},
		{"wrong aud", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{Audience: []string{"other"}} }, nil, oidc.ErrAudience, "aud"},
		{"wrong azp", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{AuthorizedParty: "other"} }, nil, oidc.ErrAuthorizedParty, "azp"},
		{"several aud without azp", func(*clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Audience: []string{"ozg-test", "other"}}
		}, nil, oidc.ErrAuthorizedParty, "azp"},
		{"missing sub", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{OmitSubject: true} }, nil, oidc.ErrSubject, "sub"},
		{"empty sub", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{Claims: map[string]any{"sub": ""}} }, nil, oidc.ErrSubject, "sub"},
		{"sub too long", func(*clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Claims: map[string]any{"sub": string(make([]byte, 256))}}
		}, nil, oidc.ErrSubject, "sub"},
		{"missing iat", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{OmitIssuedAt: true} }, nil, oidc.ErrIssuedAt, "iat"},
		{"iat too old", func(c *clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Claims: map[string]any{"iat": now(c, -7*time.Minute)}}
		}, nil, oidc.ErrIssuedAt, "iat"},
		{"iat in future", func(c *clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Claims: map[string]any{"iat": now(c, 2*time.Minute)}}
		}, nil, oidc.ErrIssuedAt, "iat"},
		{"missing exp", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{OmitExpiry: true} }, nil, oidc.ErrExpired, "exp"},
		{"expired", func(c *clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Claims: map[string]any{"exp": now(c, -2*time.Minute)}}
		}, nil, oidc.ErrExpired, "exp"},
		{"nbf in future", func(c *clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Claims: map[string]any{"nbf": now(c, 2*time.Minute)}}
		}, nil, oidc.ErrNotYetValid, "nbf"},
		{"wrong nonce", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{Nonce: "attacker"} }, nil, oidc.ErrNonce, "nonce"},
		{"missing nonce", func(*clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Claims: map[string]any{"nonce": nil}}
		}, nil, oidc.ErrNonce, "nonce"},
		{"level too low", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{ACR: account.LevelNiedrig.EIDAS()} }, nil, oidc.ErrLevel, "acr"},
		{"unknown acr", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{ACR: "urn:x:gold"} }, nil, oidc.ErrLevel, "acr"},
		{"missing acr", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{Claims: map[string]any{"acr": nil}} }, nil, oidc.ErrLevel, "acr"},
		{"old auth_time", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{AuthTimeAge: 2 * time.Hour} },
			func(c *oidc.Config) { c.MaxAge = time.Hour }, oidc.ErrAuthTime, "auth_time"},
		{"missing auth_time with max_age", func(*clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Claims: map[string]any{"auth_time": nil}}
		}, func(c *oidc.Config) { c.MaxAge = time.Hour }, oidc.ErrAuthTime, "auth_time"},
		{"auth_time in future", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{AuthTimeAge: -time.Hour} }, nil, oidc.ErrAuthTime, "auth_time"},
		{"bad at_hash", func(*clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{AccessTokenHash: "AAAAAAAAAAAAAAAAAAAAAA"}
		}, nil, oidc.ErrAccessTokenHash, "at_hash"},
		{"alg none", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{Algorithm: "none"} }, nil, oidc.ErrMalformed, "form"},
		{"alg confusion HS256", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{Algorithm: "HS256"} }, nil, oidc.ErrAlgorithm, "alg"},
		{"unknown kid", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{KeyID: "nope"} }, nil, oidc.ErrUnknownKey, "kid"},
		{"logout token typ", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{Type: "logout+jwt"} }, nil, oidc.ErrTokenType, "typ"},
		{"events claim", func(*clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Claims: map[string]any{"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}}}
		}, nil, oidc.ErrTokenType, "events"},
		{"wrong response iss", func(*clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{ResponseIssuer: "https://evil.example"}
		}, nil, oidc.ErrResponseIssuer, "iss"},
		{"missing response iss", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{OmitResponseIssuer: true} }, nil, oidc.ErrResponseIssuer, "iss"},
		{"userinfo sub", func(*clock) accounttest.OIDCFaults { return accounttest.OIDCFaults{UserInfoSubject: "someone-else"} }, nil, oidc.ErrSubject, "sub"},
		{"bad birthdate", func(*clock) accounttest.OIDCFaults {
			return accounttest.OIDCFaults{Claims: map[string]any{"birthdate": "12.08.1964"}}
		}, nil, account.ErrInvalidAttribute, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, c, clk := setup(t, tt.cfg)
			sim.SetFaults(tt.faults(clk))
			l, err := login(t, sim, c)
			require.Error(t, err)
			assert.Nil(t, l)
			assert.ErrorIs(t, err, tt.want)
			if tt.check != "" {
				var ce *oidc.CheckError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, tt.check, ce.Check)
				token := "id_token"
				switch {
				case strings.Contains(tt.name, "response iss"):
					token = "authorization_response"
				case tt.name == "userinfo sub":
					token = "userinfo"
				}
				assert.Equal(t, token, ce.Token, "failed in the right verifier")
			}
			// No personal data in the error text.
			assert.NotContains(t, err.Error(), "erika")
		})
	}
}

// TestNoneRejectedByAlg: an alg "none" token with a (fake) signature part
// fails at the allow-list, not later.
func TestNoneRejectedByAlg(t *testing.T) {
	_, c, _ := setup(t, nil)
	_, err := c.VerifyIDToken(context.Background(), "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiaXNzIjoieCJ9.AA", oidc.VerifyOptions{Nonce: "n"})
	assert.ErrorIs(t, err, oidc.ErrIssuer) // iss checked before alg
	sim, c2, _ := setup(t, nil)
	raw, err := sim.Sign(map[string]any{"sub": "x", "iss": sim.Issuer, "aud": "ozg-test"}, "JWT", accounttest.OIDCFaults{})
	require.NoError(t, err)
	h := "eyJhbGciOiJub25lIn0" // {"alg":"none"}
	_, err = c2.VerifyIDToken(context.Background(), h+raw[len(raw[:indexDot(raw)]):], oidc.VerifyOptions{Nonce: "n"})
	assert.ErrorIs(t, err, oidc.ErrAlgorithm)
}

func indexDot(s string) int {
	for i := range s {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}

func TestAuthorizationError(t *testing.T) {
	sim, c, _ := setup(t, nil)
	sim.SetFaults(accounttest.OIDCFaults{AuthorizationError: "access_denied"})
	_, err := login(t, sim, c)
	var pe *oidc.ProviderError
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.LoginRequired())
	assert.ErrorIs(t, err, oidc.ErrAuthorization)
}

func TestBinding(t *testing.T) {
	sim, c, _ := setup(t, nil)
	t.Run("other user agent", func(t *testing.T) {
		f := begin(t, sim, c, oidc.LoginOptions{})
		g := begin(t, sim, c, oidc.LoginOptions{}) // attacker's own login
		f.cookies = g.cookies                      // victim's browser, attacker's response
		_, err := finish(c, flow{callback: f.callback, cookies: g.cookies})
		assert.ErrorIs(t, err, oidc.ErrState)
		// The victim's pending login survives the attempt.
		_, err = finish(c, flow{callback: f.callback, cookies: begin(t, sim, c, oidc.LoginOptions{}).cookies})
		assert.ErrorIs(t, err, oidc.ErrState)
	})
	t.Run("no cookie", func(t *testing.T) {
		f := begin(t, sim, c, oidc.LoginOptions{})
		f.cookies = nil
		_, err := finish(c, f)
		assert.ErrorIs(t, err, oidc.ErrState)
	})
	t.Run("replayed state", func(t *testing.T) {
		f := begin(t, sim, c, oidc.LoginOptions{})
		_, err := finish(c, f)
		require.NoError(t, err)
		_, err = finish(c, f)
		assert.ErrorIs(t, err, oidc.ErrState)
	})
	t.Run("expired", func(t *testing.T) {
		sim, c, clk := setup(t, nil)
		f := begin(t, sim, c, oidc.LoginOptions{})
		clk.Add(11 * time.Minute)
		_, err := finish(c, f)
		assert.ErrorIs(t, err, oidc.ErrState)
	})
	t.Run("repeated parameter", func(t *testing.T) {
		f := begin(t, sim, c, oidc.LoginOptions{})
		f.callback += "&code=x"
		_, err := finish(c, f)
		assert.ErrorIs(t, err, oidc.ErrMalformed)
	})
	t.Run("open redirect", func(t *testing.T) {
		_, err := c.AuthorizationURL(context.Background(), newRecorder(), newRequest(), oidc.LoginOptions{ReturnTo: "//evil.example/"})
		assert.ErrorIs(t, err, oidc.ErrInvalidConfig)
	})
}

func TestReturnTo(t *testing.T) {
	sim, c, _ := setup(t, nil)
	l, err := finish(c, begin(t, sim, c, oidc.LoginOptions{ReturnTo: "/antrag?id=1"}))
	require.NoError(t, err)
	assert.Equal(t, "/antrag?id=1", l.ReturnTo)
}

func TestErrorsAreTyped(t *testing.T) {
	var ce *oidc.CheckError
	err := error(&oidc.CheckError{Token: "id_token", Check: "iss", Err: oidc.ErrIssuer})
	assert.True(t, errors.As(err, &ce))
	assert.Equal(t, "oidc: id_token: iss: oidc: issuer mismatch", err.Error())
}
