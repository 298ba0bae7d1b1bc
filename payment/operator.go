package payment

import (
	"context"
	"github.com/egosaar/ozg/payment/paystore"
)

// ListAnomalies lists the anomalies of all transactions of the Client's
// tenant, oldest first, for the treasury or an operator to work through.
// It is read-only. A filter naming another tenant (f.Tenant) or all
// tenants (f.AllTenants) is refused with paystore.ErrForeignTenant; the
// state-wide operator lists across tenants on the Store itself (see the
// package documentation, Tenancy).
func (c *Client) ListAnomalies(ctx context.Context, f paystore.ListFilter) (*paystore.AnomalyPage, error) {
	if err := paystore.ScopeFilter(&f, c.cfg.Tenant); err != nil {
		return nil, err
	}
	return c.cfg.Store.ListAnomalies(ctx, f)
}

// ListOpen lists the transactions of the Client's tenant that are not
// final (create not confirmed, or INITIAL), oldest first. It is
// read-only. Tenant filters as in ListAnomalies.
func (c *Client) ListOpen(ctx context.Context, f paystore.ListFilter) (*paystore.TransactionPage, error) {
	if err := paystore.ScopeFilter(&f, c.cfg.Tenant); err != nil {
		return nil, err
	}
	return c.cfg.Store.ListOpen(ctx, f)
}
