package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"golang.org/x/sync/singleflight"
)

// maxKeys bounds the keys taken from one key set.
const maxKeys = 64

// maxBackoff bounds the wait after failed fetches, in intervals.
const maxBackoff = 32

// publicKey is one usable signature key of the provider.
type publicKey struct {
	kid string
	alg string // "" when the JWK states none
	key any    // *rsa.PublicKey or *ecdsa.PublicKey
}

// keySet caches the provider's JWKS (parsed with jwx). Rules:
//
//   - A token's kid selects the key; a kid not in the cached set triggers
//     one refresh, but fetches happen at most once per minInterval
//     (success or failure) and concurrent misses share one fetch
//     (single-flight), so a flood of unknown kids costs one fetch per
//     interval.
//   - A token without kid is accepted only when exactly one key of the set
//     fits its algorithm (OIDC Core 1.0 §10.1: with several keys, kid is
//     required).
//   - A failed fetch keeps the last good set; the wait before the next
//     attempt doubles per failure up to maxBackoff intervals.
type keySet struct {
	uri         string
	cfg         *Config
	minInterval time.Duration

	sf singleflight.Group

	mu        sync.RWMutex
	keys      []publicKey
	loaded    bool
	nextFetch time.Time
	failures  int
	fetches   int // for tests
}

func newKeySet(uri string, cfg *Config) *keySet {
	return &keySet{uri: uri, cfg: cfg, minInterval: cfg.JWKSMinInterval}
}

// key returns the key for a token's kid (possibly "") and alg.
func (ks *keySet) key(ctx context.Context, kid, alg string) (any, error) {
	ks.mu.RLock()
	k, err := pick(ks.keys, kid, alg)
	loaded := ks.loaded
	ks.mu.RUnlock()
	if err == nil {
		return k, nil
	}
	if loaded && err != ErrUnknownKey {
		return nil, err
	}
	if ferr := ks.refresh(ctx); ferr != nil && !loaded {
		return nil, ferr
	}
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return pick(ks.keys, kid, alg)
}

// pick applies the kid rules to one set.
func pick(keys []publicKey, kid, alg string) (any, error) {
	var found []any
	for _, k := range keys {
		if kid != "" && k.kid != kid {
			continue
		}
		if !fits(k, alg) {
			continue
		}
		found = append(found, k.key)
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		// Two keys with one kid, or no kid and several candidates.
		return nil, fmt.Errorf("%w: ambiguous key (kid required)", ErrUnknownKey)
	}
	return nil, ErrUnknownKey
}

func fits(k publicKey, alg string) bool {
	if k.alg != "" && k.alg != alg {
		return false
	}
	switch pk := k.key.(type) {
	case *rsa.PublicKey:
		return alg == RS256 || alg == PS256
	case *ecdsa.PublicKey:
		return alg == ES256 && pk.Curve == elliptic.P256()
	}
	return false
}

// refresh fetches the set unless the interval forbids it; concurrent
// callers share one fetch.
func (ks *keySet) refresh(ctx context.Context) error {
	_, err, _ := ks.sf.Do("jwks", func() (any, error) {
		now := ks.cfg.Now()
		ks.mu.RLock()
		wait := now.Before(ks.nextFetch)
		ks.mu.RUnlock()
		if wait {
			return nil, fmt.Errorf("%w: refresh rate-limited", ErrUnknownKey)
		}
		keys, err := ks.fetch(ctx)
		ks.mu.Lock()
		defer ks.mu.Unlock()
		ks.fetches++
		if err != nil {
			ks.failures++
			ks.nextFetch = now.Add(ks.minInterval * time.Duration(min(1<<min(ks.failures-1, 5), maxBackoff)))
			ks.cfg.Logger.WarnContext(ctx, "oidc: key set fetch failed; keeping the last good set", "failures", ks.failures)
			return nil, err
		}
		ks.keys, ks.loaded, ks.failures = keys, true, 0
		ks.nextFetch = now.Add(ks.minInterval)
		return nil, nil
	})
	return err
}

func (ks *keySet) fetch(ctx context.Context) ([]publicKey, error) {
	// The fetch outlives a cancelled caller only for the other waiters'
	// sake; the HTTP client's timeout bounds it.
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, ks.uri, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJWKS, err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	body, err := do(*ks.cfg, req, ErrJWKS)
	if err != nil {
		return nil, err
	}
	return parseJWKS(body)
}

// parseJWKS parses a key set with jwx and keeps the usable public
// signature keys: RSA ≥ 2048 bit, EC P-256; use "sig" or unset; private
// or symmetric keys are ignored (never an HMAC secret from a key set).
func parseJWKS(body []byte) ([]publicKey, error) {
	set, err := jwk.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: unparsable key set", ErrJWKS, ErrMalformed)
	}
	var keys []publicKey
	for i := range set.Len() {
		k, _ := set.Key(i)
		if u := string(k.KeyUsage()); u != "" && u != "sig" {
			continue
		}
		var raw any
		if err := k.Raw(&raw); err != nil {
			continue
		}
		pk := publicKey{kid: k.KeyID(), alg: k.Algorithm().String()}
		switch r := raw.(type) {
		case *rsa.PublicKey:
			if r.N.BitLen() < 2048 {
				continue
			}
			pk.key = r
		case *ecdsa.PublicKey:
			if r.Curve != elliptic.P256() {
				continue
			}
			pk.key = r
		default:
			continue
		}
		keys = append(keys, pk)
		if len(keys) == maxKeys {
			break
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no usable signature key", ErrJWKS)
	}
	return keys, nil
}
