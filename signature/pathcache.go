package signature

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
	"time"
)

// pathCache remembers the certification paths that crypto/x509 built for
// a leaf and the intermediates offered with it. A path's result depends on
// the store's fixed anchors and key usages and on the time only through
// the validity periods on it, so a cached path stands for any time inside
// the intersection of those periods.
type pathCache struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte][]cachedPath
}

type cachedPath struct {
	chain               []*x509.Certificate
	notBefore, notAfter time.Time
}

// pathCacheSize bounds the cache; it is cleared when full.
const pathCacheSize = 256

// chainKey identifies a leaf with the intermediates offered with it (in
// order; another order is another entry).
func chainKey(leaf *x509.Certificate, intermediates []*x509.Certificate) [sha256.Size]byte {
	h := sha256.New()
	var n [4]byte
	write := func(b []byte) {
		n[0], n[1], n[2], n[3] = byte(len(b)>>24), byte(len(b)>>16), byte(len(b)>>8), byte(len(b))
		h.Write(n[:])
		h.Write(b)
	}
	write(leaf.Raw)
	for _, c := range intermediates {
		if c != nil {
			write(c.Raw)
		}
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// get returns the cached paths that are valid at now.
func (p *pathCache) get(key [sha256.Size]byte, now time.Time) [][]*x509.Certificate {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][]*x509.Certificate
	for _, c := range p.m[key] {
		if !now.Before(c.notBefore) && !now.After(c.notAfter) {
			out = append(out, c.chain)
		}
	}
	return out
}

func (p *pathCache) put(key [sha256.Size]byte, chains [][]*x509.Certificate) {
	paths := make([]cachedPath, 0, len(chains))
	for _, chain := range chains {
		cp := cachedPath{chain: chain}
		for i, c := range chain {
			if i == 0 || c.NotBefore.After(cp.notBefore) {
				cp.notBefore = c.NotBefore
			}
			if i == 0 || c.NotAfter.Before(cp.notAfter) {
				cp.notAfter = c.NotAfter
			}
		}
		paths = append(paths, cp)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil || len(p.m) >= pathCacheSize {
		p.m = make(map[[sha256.Size]byte][]cachedPath)
	}
	p.m[key] = paths
}
