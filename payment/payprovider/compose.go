package payprovider

import (
	"context"
)

// WithPushVerifier combines a Provider that creates and pulls with a
// separate PushVerifier (e.g. girocheckout.Verifier). The result
// implements Provider, PushVerifier and Recoverer (Recover fails with
// ErrNotRecoverable when p cannot recover).
func WithPushVerifier(p Provider, v PushVerifier) Provider {
	return &composed{Provider: p, v: v}
}

type composed struct {
	Provider
	v PushVerifier
}

func (c *composed) VerifyPush(ctx context.Context, in PushInput) (*Push, error) {
	return c.v.VerifyPush(ctx, in)
}

func (c *composed) Recover(ctx context.Context, sub *Submission) (*ProviderTransaction, error) {
	if r, ok := c.Provider.(Recoverer); ok {
		return r.Recover(ctx, sub)
	}
	return nil, ErrNotRecoverable
}
