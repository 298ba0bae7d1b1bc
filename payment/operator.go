package payment

import (
	"context"
	"github.com/egosaar/ozg/payment/paystore"
)

// ListAnomalies lists the anomalies of all transactions, oldest first,
// for the treasury or an operator to work through. It is read-only.
func (c *Client) ListAnomalies(ctx context.Context, f paystore.ListFilter) (*paystore.AnomalyPage, error) {
	return c.cfg.Store.ListAnomalies(ctx, f)
}

// ListOpen lists the transactions that are not final (create not
// confirmed, or INITIAL), oldest first. It is read-only.
func (c *Client) ListOpen(ctx context.Context, f paystore.ListFilter) (*paystore.TransactionPage, error) {
	return c.cfg.Store.ListOpen(ctx, f)
}
