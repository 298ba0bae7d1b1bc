package payment_test

import (
	"testing"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
)

func TestMemoryStoreConformance(t *testing.T) {
	paymenttest.StoreConformance(t, func(t *testing.T) payment.Store { return payment.NewMemoryStore() })
}
