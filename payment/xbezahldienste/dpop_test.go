package xbezahldienste_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/xbezahldienste"
	"github.com/egosaar/ozg/signature/jose"
)

// signature/jose's DPoP generator plugs in as the DPoPProver.
var _ xbezahldienste.DPoPProver = (*jose.DPoP)(nil)

func TestDPoPWithJose(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	prover, err := jose.NewDPoP(jose.DPoPConfig{Key: key})
	require.NoError(t, err)
	type seen struct{ typ, htm, htu, ath string }
	var api, tok []seen
	decode := func(proof string) seen {
		parts := strings.Split(proof, ".")
		require.Len(t, parts, 3)
		var h struct {
			Typ string `json:"typ"`
		}
		var c struct{ HTM, HTU, ATH string }
		hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
		cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
		require.NoError(t, json.Unmarshal(hb, &h))
		require.NoError(t, json.Unmarshal(cb, &c))
		return seen{h.Typ, c.HTM, c.HTU, c.ATH}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			tok = append(tok, decode(r.Header.Get("DPoP")))
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"at-1","token_type":"DPoP","expires_in":3600}`))
			return
		}
		if r.Header.Get("Authorization") != "DPoP at-1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		api = append(api, decode(r.Header.Get("DPoP")))
		_, _ = w.Write([]byte(`{"paymentInformation":{"transactionId":"T","status":"INITIAL"}}`))
	}))
	defer srv.Close()
	o, err := xbezahldienste.NewOAuth2(xbezahldienste.OAuth2Config{TokenURL: srv.URL + "/token", ClientID: "c", ClientSecret: "s", DPoP: prover, InsecureDevelopment: true})
	require.NoError(t, err)
	p, err := xbezahldienste.New(xbezahldienste.Config{BaseURL: srv.URL, OriginatorID: "o", EndpointID: "e", Auth: o, Sleep: noSleep, InsecureDevelopment: true})
	require.NoError(t, err)
	_, err = p.Get(context.Background(), payprovider.Ref{TransactionID: "T"})
	require.NoError(t, err)
	require.Len(t, tok, 1)
	require.Len(t, api, 1)
	assert.Equal(t, seen{"dpop+jwt", "POST", srv.URL + "/token", ""}, tok[0])
	assert.Equal(t, "dpop+jwt", api[0].typ)
	assert.Equal(t, "GET", api[0].htm)
	assert.Equal(t, srv.URL+"/paymenttransaction/o/e/T", api[0].htu)
	assert.NotEmpty(t, api[0].ath, "ath binds the proof to the access token")
}
