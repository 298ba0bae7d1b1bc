package paystore_test

import (
	"testing"

	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
)

func TestMemoryStoreConformance(t *testing.T) {
	paymenttest.StoreConformance(t, func(t *testing.T) paystore.Store { return paystore.NewMemoryStore() })
}
