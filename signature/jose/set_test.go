package jose_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

const acceptEvent = "https://schema.fitko.de/fit-connect/events/accept-submission"

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return t0 }

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := signaturetest.NewKey(signaturetest.RSA2048, false)
	require.NoError(t, err)
	return k.(*rsa.PrivateKey)
}

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := signaturetest.NewKey(signaturetest.P256, false)
	require.NoError(t, err)
	return k.(*ecdsa.PrivateKey)
}

func sampleSET(t testing.TB) jose.SET {
	t.Helper()
	s := jose.SET{
		Subject:       "submission:6a1f0a7e-0000-4000-8000-000000000001",
		TransactionID: "case:6a1f0a7e-0000-4000-8000-000000000002",
		Schema:        "https://schema.fitko.de/fit-connect/set-payload/1.2.2/set-payload.schema.json",
	}
	require.NoError(t, s.SetEvent(acceptEvent, map[string]any{"authenticationTags": map[string]string{"data": "abc"}}))
	return s
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// forge builds a compact JWS with arbitrary header and payload and a
// signature computed by sign over the signing input.
func forge(header, payload string, sign func([]byte) []byte) string {
	in := b64(header) + "." + b64(payload)
	return in + "." + base64.RawURLEncoding.EncodeToString(sign([]byte(in)))
}

func TestSETRoundTrip(t *testing.T) {
	t.Parallel()
	key := rsaKey(t)
	signer, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, KeyID: "dest-key-1", Issuer: "destination-1", Now: fixedNow})
	require.NoError(t, err)
	tok, err := signer.Sign(sampleSET(t))
	require.NoError(t, err)

	msg, err := jws.ParseString(tok)
	require.NoError(t, err)
	h := msg.Signatures()[0].ProtectedHeaders()
	assert.Equal(t, "PS512", h.Algorithm().String())
	assert.Equal(t, "secevent+jwt", h.Type())
	assert.Equal(t, "dest-key-1", h.KeyID())
	var claims map[string]any
	require.NoError(t, json.Unmarshal(msg.Payload(), &claims))
	for _, c := range []string{"iss", "iat", "jti", "sub", "txn", "events", "$schema"} {
		assert.Contains(t, claims, c)
	}
	// jwx verifies our token independently.
	_, err = jws.Verify([]byte(tok), jws.WithKey(jwa.PS512, &key.PublicKey))
	require.NoError(t, err)

	v, err := jose.NewSETVerifier(jose.SETVerifierConfig{Key: &key.PublicKey, KeyID: "dest-key-1", Issuer: "destination-1", Now: fixedNow, SingleEvent: true})
	require.NoError(t, err)
	set, err := v.Verify(tok)
	require.NoError(t, err)
	assert.Equal(t, "destination-1", set.Issuer)
	assert.Equal(t, t0, set.IssuedAt)
	assert.NotEmpty(t, set.ID)
	assert.Equal(t, "case:6a1f0a7e-0000-4000-8000-000000000002", set.TransactionID)
	assert.JSONEq(t, `{"authenticationTags":{"data":"abc"}}`, string(set.Events[acceptEvent]))

	// A jwx-signed SET verifies in ours.
	hdr := jws.NewHeaders()
	require.NoError(t, hdr.Set("typ", "secevent+jwt"))
	payload := `{"iss":"zustelldienst","iat":` + jsonNum(t0.Unix()) + `,"jti":"x1","events":{"` + acceptEvent + `":{}}}`
	theirs, err := jws.Sign([]byte(payload), jws.WithKey(jwa.PS512, key, jws.WithProtectedHeaders(hdr)))
	require.NoError(t, err)
	v2, err := jose.NewSETVerifier(jose.SETVerifierConfig{Key: &key.PublicKey, Issuer: "zustelldienst", Now: fixedNow})
	require.NoError(t, err)
	_, err = v2.Verify(string(theirs))
	require.NoError(t, err)

	// ES256 and a key set.
	ek := ecKey(t)
	es, err := jose.NewSETSigner(jose.SETSignerConfig{Key: ek, Algorithm: jose.ES256, Issuer: "x", Now: fixedNow})
	require.NoError(t, err)
	etok, err := es.Sign(sampleSET(t))
	require.NoError(t, err)
	pj, err := jose.PublicJWK(&ek.PublicKey, jose.JWKOptions{Algorithm: jose.ES256})
	require.NoError(t, err)
	set2 := jwk.NewSet()
	require.NoError(t, set2.AddKey(pj))
	kv, err := jose.NewSETVerifier(jose.SETVerifierConfig{KeySet: set2, Algorithms: []string{jose.ES256}, Issuer: "x", Now: fixedNow})
	require.NoError(t, err)
	_, err = kv.Verify(etok)
	require.NoError(t, err)
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestSETVerifyNegative(t *testing.T) {
	t.Parallel()
	key := rsaKey(t)
	other := rsaKey(t)
	ek := ecKey(t)
	pssSign := func(k *rsa.PrivateKey, salt int) func([]byte) []byte {
		return func(in []byte) []byte {
			d := sha512.Sum512(in)
			s, err := rsa.SignPSS(rand.Reader, k, crypto.SHA512, d[:], &rsa.PSSOptions{SaltLength: salt})
			require.NoError(t, err)
			return s
		}
	}
	good := pssSign(key, rsa.PSSSaltLengthEqualsHash)
	const hdr = `{"alg":"PS512","typ":"secevent+jwt","kid":"k1"}`
	iat := jsonNum(t0.Unix())
	claims := func(extra string) string {
		return `{"iss":"dest","iat":` + iat + `,"jti":"j1","events":{"` + acceptEvent + `":{}}` + extra + `}`
	}
	valid := forge(hdr, claims(""), good)
	signer, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, Issuer: "dest", Now: fixedNow})
	require.NoError(t, err)
	ours, err := signer.Sign(sampleSET(t))
	require.NoError(t, err)
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	hmacWithPublicKey := func(in []byte) []byte {
		m := hmac.New(sha256.New, pubDER)
		m.Write(in)
		return m.Sum(nil)
	}
	esDER := func(in []byte) []byte {
		d := sha256.Sum256(in)
		s, err := ecdsa.SignASN1(rand.Reader, ek, d[:])
		require.NoError(t, err)
		return s
	}
	parts := strings.Split(ours, ".")
	flipPayload := func(tok string) string {
		p := strings.Split(tok, ".")
		raw, _ := base64.RawURLEncoding.DecodeString(p[1])
		raw = []byte(strings.Replace(string(raw), `"iss":"dest"`, `"iss":"evil"`, 1))
		return p[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + p[2]
	}

	base := jose.SETVerifierConfig{Key: &key.PublicKey, Issuer: "dest", Now: fixedNow}
	with := func(f func(*jose.SETVerifierConfig)) jose.SETVerifierConfig { c := base; f(&c); return c }

	cases := []struct {
		name   string
		cfg    jose.SETVerifierConfig
		token  string
		target error
	}{
		{"valid control", base, valid, nil},
		{"our token control", base, ours, nil},
		{"alg none", base, b64(`{"alg":"none","typ":"secevent+jwt"}`) + "." + b64(claims("")) + ".", jose.ErrMalformed},
		{"alg none with sig", base, forge(`{"alg":"none","typ":"secevent+jwt"}`, claims(""), func([]byte) []byte { return []byte("x") }), jose.ErrAlgorithmNotAllowed},
		{"alg confusion HS256 with public key", with(func(c *jose.SETVerifierConfig) { c.Algorithms = jose.DefaultAlgorithms() }), forge(`{"alg":"HS256","typ":"secevent+jwt"}`, claims(""), hmacWithPublicKey), jose.ErrAlgorithmNotAllowed},
		{"RS512 not in PS512 allow-list", base, forge(`{"alg":"RS512","typ":"secevent+jwt"}`, claims(""), func(in []byte) []byte {
			d := sha512.Sum512(in)
			s, _ := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA512, d[:])
			return s
		}), jose.ErrAlgorithmNotAllowed},
		{"ES256 header with RSA key", with(func(c *jose.SETVerifierConfig) { c.Algorithms = jose.DefaultAlgorithms() }), forge(`{"alg":"ES256","typ":"secevent+jwt"}`, claims(""), esDER), jose.ErrAlgorithmNotAllowed},
		{"PSS max salt", base, forge(hdr, claims(""), pssSign(key, rsa.PSSSaltLengthAuto)), jose.ErrInvalidSignature},
		{"PSS salt 20", base, forge(hdr, claims(""), pssSign(key, 20)), jose.ErrInvalidSignature},
		{"wrong key", base, forge(hdr, claims(""), pssSign(other, rsa.PSSSaltLengthEqualsHash)), jose.ErrInvalidSignature},
		{"tampered payload", base, flipPayload(ours), jose.ErrInvalidSignature},
		{"tampered signature", base, parts[0] + "." + parts[1] + "." + b64("garbage"), jose.ErrInvalidSignature},
		{"wrong typ JWT", base, forge(`{"alg":"PS512","typ":"JWT"}`, claims(""), good), jose.ErrInvalidType},
		{"typ missing", base, forge(`{"alg":"PS512"}`, claims(""), good), jose.ErrInvalidType},
		{"typ dpop", base, forge(`{"alg":"PS512","typ":"dpop+jwt"}`, claims(""), good), jose.ErrInvalidType},
		{"iat in the future", base, forge(hdr, `{"iss":"dest","iat":`+jsonNum(t0.Add(2*time.Minute).Unix())+`,"jti":"j","events":{"e":{}}}`, good), jose.ErrExpired},
		{"iat too old", with(func(c *jose.SETVerifierConfig) { c.MaxAge = time.Hour }), forge(hdr, `{"iss":"dest","iat":`+jsonNum(t0.Add(-2*time.Hour).Unix())+`,"jti":"j","events":{"e":{}}}`, good), jose.ErrExpired},
		{"exp passed", base, forge(hdr, claims(`,"exp":`+jsonNum(t0.Add(-time.Hour).Unix())), good), jose.ErrExpired},
		{"nbf future", base, forge(hdr, claims(`,"nbf":`+jsonNum(t0.Add(time.Hour).Unix())), good), jose.ErrExpired},
		{"iat string", base, forge(hdr, `{"iss":"dest","iat":"now","jti":"j","events":{"e":{}}}`, good), jose.ErrClaims},
		{"missing iss", base, forge(hdr, `{"iat":`+iat+`,"jti":"j","events":{"e":{}}}`, good), jose.ErrClaims},
		{"missing jti", base, forge(hdr, `{"iss":"d","iat":`+iat+`,"events":{"e":{}}}`, good), jose.ErrClaims},
		{"missing iat", base, forge(hdr, `{"iss":"d","jti":"j","events":{"e":{}}}`, good), jose.ErrClaims},
		{"missing events", base, forge(hdr, `{"iss":"d","iat":`+iat+`,"jti":"j"}`, good), jose.ErrClaims},
		{"empty events", base, forge(hdr, `{"iss":"d","iat":`+iat+`,"jti":"j","events":{}}`, good), jose.ErrClaims},
		{"event not object", base, forge(hdr, `{"iss":"d","iat":`+iat+`,"jti":"j","events":{"e":1}}`, good), jose.ErrClaims},
		{"two events with SingleEvent", with(func(c *jose.SETVerifierConfig) { c.SingleEvent = true }), forge(hdr, `{"iss":"d","iat":`+iat+`,"jti":"j","events":{"a":{},"b":{}}}`, good), jose.ErrClaims},
		{"issuer mismatch", with(func(c *jose.SETVerifierConfig) { c.Issuer = "other" }), valid, jose.ErrClaims},
		{"audience mismatch", with(func(c *jose.SETVerifierConfig) { c.Audience = "me" }), forge(hdr, claims(`,"aud":"you"`), good), jose.ErrClaims},
		{"audience mismatch in array", with(func(c *jose.SETVerifierConfig) { c.Audience = "me" }), forge(hdr, claims(`,"aud":["you","them"]`), good), jose.ErrClaims},
		{"audience expected, aud missing", with(func(c *jose.SETVerifierConfig) { c.Audience = "me" }), valid, jose.ErrClaims},
		{"audience case differs", with(func(c *jose.SETVerifierConfig) { c.Audience = "me" }), forge(hdr, claims(`,"aud":"ME"`), good), jose.ErrClaims},
		{"aud present, none expected", base, forge(hdr, claims(`,"aud":"other-destination"`), good), jose.ErrClaims},
		{"aud array present, none expected", base, forge(hdr, claims(`,"aud":["other-destination"]`), good), jose.ErrClaims},
		{"empty aud array, none expected", base, forge(hdr, claims(`,"aud":[]`), good), jose.ErrClaims},
		{"aud not a string", base, forge(hdr, claims(`,"aud":7`), good), jose.ErrClaims},
		{"issuer of another destination", base, forge(hdr, strings.Replace(claims(""), `"iss":"dest"`, `"iss":"dest-2"`, 1), good), jose.ErrClaims},
		{"issuer case differs", base, forge(hdr, strings.Replace(claims(""), `"iss":"dest"`, `"iss":"DEST"`, 1), good), jose.ErrClaims},
		{"issuer empty", base, forge(hdr, strings.Replace(claims(""), `"iss":"dest"`, `"iss":""`, 1), good), jose.ErrClaims},
		{"audience matches", with(func(c *jose.SETVerifierConfig) { c.Audience = "me" }), forge(hdr, claims(`,"aud":"me"`), good), nil},
		{"audience in array", with(func(c *jose.SETVerifierConfig) { c.Audience = "me" }), forge(hdr, claims(`,"aud":["you","me"]`), good), nil},
		{"any audience with InsecureSkipAudience", with(func(c *jose.SETVerifierConfig) { c.InsecureSkipAudience = true }), forge(hdr, claims(`,"aud":"you"`), good), nil},
		{"no aud with InsecureSkipAudience", with(func(c *jose.SETVerifierConfig) { c.InsecureSkipAudience = true }), valid, nil},
		{"kid mismatch", with(func(c *jose.SETVerifierConfig) { c.KeyID = "k2" }), valid, jose.ErrKeyNotFound},
		{"crit header", base, forge(`{"alg":"PS512","typ":"secevent+jwt","crit":["exp"],"exp":1}`, claims(""), good), jose.ErrMalformed},
		{"b64 false", base, forge(`{"alg":"PS512","typ":"secevent+jwt","b64":false,"crit":["b64"]}`, claims(""), good), jose.ErrMalformed},
		{"padded base64", base, valid + "==", jose.ErrMalformed},
		{"json serialization", base, `{"payload":"` + b64(claims("")) + `","signatures":[]}`, jose.ErrMalformed},
		{"four segments", base, valid + ".x", jose.ErrMalformed},
		{"payload not json", base, forge(hdr, `not json`, good), jose.ErrMalformed},
		{"empty token", base, "", jose.ErrMalformed},
		{"too large", with(func(c *jose.SETVerifierConfig) { c.MaxTokenBytes = 100 }), valid, jose.ErrLimit},
		{"sub mismatch", with(func(c *jose.SETVerifierConfig) { c.Subject = "submission:a" }), forge(hdr, claims(`,"sub":"submission:b"`), good), jose.ErrClaims},
		{"sub missing", with(func(c *jose.SETVerifierConfig) { c.Subject = "submission:a" }), valid, jose.ErrClaims},
		{"txn mismatch", with(func(c *jose.SETVerifierConfig) { c.TransactionID = "case:a" }), forge(hdr, claims(`,"txn":"case:b"`), good), jose.ErrClaims},
		{"txn missing", with(func(c *jose.SETVerifierConfig) { c.TransactionID = "case:a" }), valid, jose.ErrClaims},
		{"sub and txn match", with(func(c *jose.SETVerifierConfig) { c.Subject, c.TransactionID = "submission:a", "case:a" }), forge(hdr, claims(`,"sub":"submission:a","txn":"case:a"`), good), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := jose.NewSETVerifier(tc.cfg)
			require.NoError(t, err)
			set, err := v.Verify(tc.token)
			if tc.target == nil {
				require.NoError(t, err)
				require.NotNil(t, set)
				return
			}
			require.ErrorIs(t, err, tc.target)
			require.Nil(t, set)
		})
	}
}

func TestSETKeySetNegative(t *testing.T) {
	t.Parallel()
	key := rsaKey(t)
	signer, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, KeyID: "k1", Issuer: "d", Now: fixedNow})
	require.NoError(t, err)
	tok, err := signer.Sign(sampleSET(t))
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		opts   jose.JWKOptions
		target error
	}{
		"unknown kid":  {jose.JWKOptions{KeyID: "k2"}, jose.ErrKeyNotFound},
		"alg mismatch": {jose.JWKOptions{KeyID: "k1", Algorithm: "RS256"}, jose.ErrAlgorithmNotAllowed},
		"ok":           {jose.JWKOptions{KeyID: "k1", Algorithm: "PS512"}, nil},
	} {
		pj, err := jose.PublicJWK(&key.PublicKey, tc.opts)
		require.NoError(t, err)
		set := jwk.NewSet()
		require.NoError(t, set.AddKey(pj))
		v, err := jose.NewSETVerifier(jose.SETVerifierConfig{KeySet: set, Issuer: "d", Now: fixedNow})
		require.NoError(t, err)
		_, err = v.Verify(tok)
		if tc.target == nil {
			require.NoError(t, err, name)
		} else {
			require.ErrorIs(t, err, tc.target, name)
		}
	}
}

func TestSETConfigErrors(t *testing.T) {
	t.Parallel()
	key := rsaKey(t)
	weak, err := signaturetest.NewKey(signaturetest.RSA1024, false)
	require.NoError(t, err)
	ek := ecKey(t)
	signers := map[string]jose.SETSignerConfig{
		"no key":         {},
		"HS256":          {Key: key, Algorithm: "HS256"},
		"none":           {Key: key, Algorithm: "none"},
		"ES256 with RSA": {Key: key, Algorithm: jose.ES256},
		"PS512 with EC":  {Key: ek},
		"weak key":       {Key: weak},
	}
	for name, cfg := range signers {
		_, err := jose.NewSETSigner(cfg)
		require.Error(t, err, name)
	}
	verifiers := []struct {
		name   string
		cfg    jose.SETVerifierConfig
		target error
	}{
		{"no key", jose.SETVerifierConfig{Issuer: "d"}, jose.ErrInvalidConfig},
		{"key and set", jose.SETVerifierConfig{Key: &key.PublicKey, KeySet: jwk.NewSet(), Issuer: "d"}, jose.ErrInvalidConfig},
		{"HS256 allowed", jose.SETVerifierConfig{Key: &key.PublicKey, Issuer: "d", Algorithms: []string{"HS256"}}, jose.ErrAlgorithmNotAllowed},
		{"none allowed", jose.SETVerifierConfig{Key: &key.PublicKey, Issuer: "d", Algorithms: []string{"none"}}, jose.ErrAlgorithmNotAllowed},
		{"weak key", jose.SETVerifierConfig{Key: weak.Public(), Issuer: "d"}, jose.ErrInvalidKey},
		{"4096 required", jose.SETVerifierConfig{Key: &key.PublicKey, Issuer: "d", MinRSABits: 4096}, jose.ErrInvalidKey},
		{"negative", jose.SETVerifierConfig{Key: &key.PublicKey, Issuer: "d", MaxAge: -1}, jose.ErrInvalidConfig},
		{"bad key type", jose.SETVerifierConfig{Key: "secret", Issuer: "d"}, jose.ErrInvalidKey},
		{"no issuer with pinned key", jose.SETVerifierConfig{Key: &key.PublicKey}, jose.ErrInvalidConfig},
		{"no issuer with key set", jose.SETVerifierConfig{KeySet: jwk.NewSet(), Audience: "me"}, jose.ErrInvalidConfig},
		{"audience and skip", jose.SETVerifierConfig{Key: &key.PublicKey, Issuer: "d", Audience: "me", InsecureSkipAudience: true}, jose.ErrInvalidConfig},
	}
	for _, tc := range verifiers {
		_, err := jose.NewSETVerifier(tc.cfg)
		require.ErrorIs(t, err, tc.target, tc.name)
	}
	s, err := jose.NewSETSigner(jose.SETSignerConfig{Key: key, Now: fixedNow})
	require.NoError(t, err)
	_, err = s.Sign(jose.SET{Events: map[string]json.RawMessage{"e": json.RawMessage(`{}`)}})
	require.ErrorIs(t, err, jose.ErrClaims, "issuer required")
	_, err = s.Sign(jose.SET{Issuer: "x"})
	require.ErrorIs(t, err, jose.ErrClaims, "events required")
	_, err = s.Sign(jose.SET{Issuer: "x", Events: map[string]json.RawMessage{"e": json.RawMessage(`[1]`)}})
	require.ErrorIs(t, err, jose.ErrClaims)
	var ae *signature.AlgorithmError
	_, err = jose.NewSETSigner(jose.SETSignerConfig{Key: key, Algorithm: "HS512"})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "HS512", ae.URI)
}
