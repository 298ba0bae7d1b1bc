package jose

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/egosaar/ozg/internal/replay"
	"github.com/egosaar/ozg/signature"
)

// DefaultMaxReplayEntries is the default [DPoPVerifierConfig].MaxEntries:
// the number of DPoP proofs remembered at once. With the default window of
// 6 minutes (MaxAge 5 min + Leeway 1 min) it admits about 275 new proofs
// per second sustained; each entry costs about 140 bytes (a 32-byte hash
// key in a map and in a heap ordered by expiry), so a full memory holds
// about 14 MB.
const DefaultMaxReplayEntries = 100_000

// DPoPVerifierConfig configures a [DPoPVerifier].
type DPoPVerifierConfig struct {
	// Algorithms allow-lists alg; nil means ES256, ES384, ES512, PS256,
	// PS384, PS512, RS256 and EdDSA.
	Algorithms []string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// MaxAge bounds how old iat may be; zero means 5 minutes.
	MaxAge time.Duration
	// Leeway tolerates iat in the future; zero means 1 minute.
	Leeway time.Duration
	// MaxTokenBytes; zero means 16 KiB.
	MaxTokenBytes int
	// MaxEntries bounds how many proofs (key thumbprint and jti) are
	// remembered at once for replay detection; zero means
	// [DefaultMaxReplayEntries]. Entries are forgotten MaxAge+Leeway after
	// they were seen. When the memory is full of live entries, Verify
	// refuses every new proof with a [*LimitError] (fail closed: a proof
	// that cannot be remembered could be replayed). Size it for the peak
	// proof rate times MaxAge+Leeway, and rate-limit unauthenticated
	// clients in front of the verifier: anyone can mint valid proofs.
	MaxEntries int
}

// DPoPVerifier checks DPoP proofs on the server side (RFC 9449 §4.3), for
// resource servers and test simulators. It remembers jti values for
// MaxAge+Leeway and refuses a replayed proof (process-local memory; use one
// verifier per server). The memory is bounded by MaxEntries and pruned in
// expiry order, so a call costs O(log n) in the number of live proofs,
// never a scan of them.
// Safe for concurrent use.
type DPoPVerifier struct {
	algs   []string
	now    func() time.Time
	maxAge time.Duration
	leeway time.Duration
	max    int

	replay    *replay.Memory
	replayMax int
}

// NewDPoPVerifier validates cfg and returns a DPoPVerifier.
func NewDPoPVerifier(cfg DPoPVerifierConfig) (*DPoPVerifier, error) {
	list := cfg.Algorithms
	if list == nil {
		list = []string{ES256, ES384, ES512, PS256, PS384, PS512, RS256, EdDSA}
	}
	algs, err := checkAlgList(list)
	if err != nil {
		return nil, err
	}
	if cfg.MaxAge < 0 || cfg.Leeway < 0 || cfg.MaxTokenBytes < 0 || cfg.MaxEntries < 0 {
		return nil, fmt.Errorf("%w: DPoP verifier: negative limit", ErrInvalidConfig)
	}
	v := &DPoPVerifier{algs: algs, now: cfg.Now, maxAge: cfg.MaxAge, leeway: cfg.Leeway, max: cfg.MaxTokenBytes}
	if v.now == nil {
		v.now = time.Now
	}
	if v.maxAge == 0 {
		v.maxAge = 5 * time.Minute
	}
	if v.leeway == 0 {
		v.leeway = time.Minute
	}
	if v.max == 0 {
		v.max = 16 << 10
	}
	entries := cfg.MaxEntries
	if entries == 0 {
		entries = DefaultMaxReplayEntries
	}
	v.replay, v.replayMax = replay.New(entries, replay.Refuse), entries
	return v, nil
}

// DPoPExpect is what the request must match.
type DPoPExpect struct {
	// Method is the request's HTTP method (htm).
	Method string
	// URL is the request's target URI (htu; query and fragment ignored,
	// scheme and host compared case-insensitively).
	URL string
	// AccessToken, if set, must match ath (resource requests).
	AccessToken string
	// Nonce, if set, must equal the nonce claim (§8, §9).
	Nonce string
	// Thumbprint, if set, must equal the RFC 7638 thumbprint of the proof
	// key (the access token's cnf.jkt, §6.1).
	Thumbprint string
}

// DPoPProof is a verified DPoP proof.
type DPoPProof struct {
	// ID is the jti claim.
	ID string
	// IssuedAt is the iat claim.
	IssuedAt time.Time
	// Thumbprint is the RFC 7638 thumbprint of the proof key.
	Thumbprint string
	// Key is the proof's public JWK.
	Key jwk.Key
}

// Verify checks proof against want: compact JWS, typ dpop+jwt, an
// allow-listed asymmetric alg, a public jwk header that verifies the
// signature, required claims jti, htm, htu, iat, their values, ath, nonce,
// key thumbprint, iat window and jti replay.
func (v *DPoPVerifier) Verify(proof string, want DPoPExpect) (*DPoPProof, error) {
	j, err := parseCompactJWS(proof, v.max)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(v.algs, j.alg) {
		return nil, &signature.AlgorithmError{URI: j.alg}
	}
	if !isType(j.headers.Type(), TypeDPoP) {
		return nil, ErrInvalidType
	}
	k := j.headers.JWK()
	if k == nil {
		return nil, malformed("DPoP proof without jwk header")
	}
	if priv, err := jwk.IsPrivateKey(k); err != nil || priv {
		return nil, &signature.KeyError{Op: "DPoP", Err: signature.ErrInvalidKey, Detail: "jwk header is not a public key"}
	}
	pub, err := rawPublicKey(k)
	if err != nil {
		return nil, err
	}
	if err := (signature.Policy{}).CheckPublicKey(pub); err != nil {
		return nil, err
	}
	if err := verifySignature(j.alg, pub, j.signingInput, j.sig); err != nil {
		return nil, err
	}
	tp, err := Thumbprint(pub)
	if err != nil {
		return nil, err
	}
	if want.Thumbprint != "" && subtle.ConstantTimeCompare([]byte(tp), []byte(want.Thumbprint)) != 1 {
		return nil, ErrKeyNotFound
	}
	var c struct {
		JTI   *string `json:"jti"`
		HTM   *string `json:"htm"`
		HTU   *string `json:"htu"`
		ATH   *string `json:"ath"`
		Nonce *string `json:"nonce"`
	}
	if err := json.Unmarshal(j.payload, &c); err != nil {
		return nil, malformed("payload is not a JSON object")
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(j.payload, &raw)
	switch {
	case c.JTI == nil || *c.JTI == "" || len(*c.JTI) > 256:
		return nil, claimErr("jti", "missing or invalid")
	case c.HTM == nil || *c.HTM != want.Method:
		return nil, claimErr("htm", "does not match the request method")
	case c.HTU == nil || !sameHTU(*c.HTU, want.URL):
		return nil, claimErr("htu", "does not match the request URL")
	}
	if want.AccessToken != "" {
		sum := sha256.Sum256([]byte(want.AccessToken))
		exp := base64.RawURLEncoding.EncodeToString(sum[:])
		if c.ATH == nil || subtle.ConstantTimeCompare([]byte(*c.ATH), []byte(exp)) != 1 {
			return nil, claimErr("ath", "does not match the access token")
		}
	}
	if want.Nonce != "" && (c.Nonce == nil || subtle.ConstantTimeCompare([]byte(*c.Nonce), []byte(want.Nonce)) != 1) {
		return nil, claimErr("nonce", "missing or stale")
	}
	iat, ok, err := timeClaim(raw, "iat")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, claimErr("iat", "missing")
	}
	now := v.now()
	if iat.After(now.Add(v.leeway)) {
		return nil, timeErr("iat", "in the future")
	}
	if iat.Before(now.Add(-v.maxAge)) {
		return nil, timeErr("iat", "too old")
	}
	if err := v.remember(tp+"|"+*c.JTI, now); err != nil {
		return nil, err
	}
	return &DPoPProof{ID: *c.JTI, IssuedAt: iat, Thumbprint: tp, Key: k}, nil
}

// remember records the proof until it can no longer pass the iat window
// (RFC 9449 §11.1): ErrReplay for a proof seen before, a *LimitError when
// the memory is full.
func (v *DPoPVerifier) remember(key string, now time.Time) error {
	switch err := v.replay.Add(key, now, now.Add(v.maxAge+v.leeway)); {
	case errors.Is(err, replay.ErrReplay):
		return ErrReplay
	case errors.Is(err, replay.ErrFull):
		return &LimitError{Limit: "MaxEntries", Max: v.replayMax}
	default:
		return err
	}
}

// sameHTU compares htu with the request URL per RFC 9449 §4.3 item 9:
// without query and fragment, with syntax-based normalization of scheme
// and host case (RFC 3986 §6.2.2.1).
func sameHTU(htu, target string) bool {
	a, err1 := url.Parse(htu)
	b, err2 := url.Parse(target)
	if err1 != nil || err2 != nil || a.Host == "" || b.Host == "" {
		return false
	}
	norm := func(u *url.URL) string {
		host := strings.ToLower(u.Host)
		scheme := strings.ToLower(u.Scheme)
		switch {
		case scheme == "https":
			host = strings.TrimSuffix(host, ":443")
		case scheme == "http":
			host = strings.TrimSuffix(host, ":80")
		}
		path := u.EscapedPath()
		if path == "" {
			path = "/"
		}
		return scheme + "://" + host + path
	}
	return norm(a) == norm(b)
}
