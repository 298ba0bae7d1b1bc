package xmldsig

import (
	"crypto"
	"hash"
	"sync"
)

// hashPools recycle hash states per algorithm: a verification needs two
// (SignedInfo and the reference digest) and a signature two, and
// allocating them was a measurable part of a 2 KB verification.
var hashPools [crypto.BLAKE2b_512 + 1]sync.Pool

// newHash returns a reset hash state for h (which must be available);
// give it back with putHash once its sum has been taken.
func newHash(h crypto.Hash) hash.Hash {
	if int(h) < len(hashPools) {
		if s, ok := hashPools[h].Get().(hash.Hash); ok {
			return s
		}
	}
	return h.New()
}

// putHash resets s, which newHash returned for h, and keeps it for reuse.
// The reset drops the state of the hashed content before it is pooled.
func putHash(h crypto.Hash, s hash.Hash) {
	if int(h) < len(hashPools) {
		s.Reset()
		hashPools[h].Put(s)
	}
}
