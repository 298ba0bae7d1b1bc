package signaturetest

import (
	"context"
	"crypto/x509"
	"fmt"
	"sync"

	"github.com/egosaar/ozg/signature"
)

// Revocation is a [signature.RevocationChecker] test double: it reports
// the certificates marked with Revoke as revoked, and fails every check
// with Err when Err is set (an unreachable OCSP responder). It records the
// chains it was asked about. It is safe for concurrent use.
type Revocation struct {
	mu      sync.Mutex
	revoked map[string]bool
	err     error
	calls   int
}

// Revoke marks c as revoked.
func (r *Revocation) Revoke(c *x509.Certificate) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.revoked == nil {
		r.revoked = map[string]bool{}
	}
	r.revoked[signature.CertificateFingerprint(c)] = true
}

// SetError makes every following check fail with err (nil restores normal
// behaviour).
func (r *Revocation) SetError(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

// Calls returns how many chains were checked.
func (r *Revocation) Calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// CheckRevocation implements [signature.RevocationChecker].
func (r *Revocation) CheckRevocation(ctx context.Context, chain []*x509.Certificate) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.err != nil {
		return r.err
	}
	for _, c := range chain {
		if r.revoked[signature.CertificateFingerprint(c)] {
			return fmt.Errorf("%w: serial %s", signature.ErrRevoked, c.SerialNumber)
		}
	}
	return nil
}
