package paytype_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paytype"
)

// TestFieldPathOfNestedErrors: items and their booking data name their
// fields relative to themselves; the request reports the full path.
func TestFieldPathOfNestedErrors(t *testing.T) {
	for want, mutate := range map[string]func(*paytype.CreateRequest){
		"items[1].id":                             func(r *paytype.CreateRequest) { r.Items[1].ID = "" },
		"items[0].reference":                      func(r *paytype.CreateRequest) { r.Items[0].Reference = "a b" },
		"items[1].description":                    func(r *paytype.CreateRequest) { r.Items[1].Description = "<b>" },
		"items[0].quantity":                       func(r *paytype.CreateRequest) { r.Items[0].Quantity = 0 },
		"items[0].taxRate":                        func(r *paytype.CreateRequest) { r.Items[0].TaxRate = -1 },
		"items[1].singleNetAmount":                func(r *paytype.CreateRequest) { r.Items[1].SingleNet = -1 },
		"items[0].totalNetAmount":                 func(r *paytype.CreateRequest) { r.Items[0].TotalNet++ },
		"items[0].totalTaxAmount":                 func(r *paytype.CreateRequest) { r.Items[0].TotalTax++ },
		"items[1].bookingData.kassenzeichen":      func(r *paytype.CreateRequest) { r.Items[1].Booking.Kassenzeichen = "a b" },
		"items[0].bookingData.haushaltsstelle":    func(r *paytype.CreateRequest) { r.Items[0].Booking.Haushaltsstelle = "#" },
		"items[0].bookingData.objektnummer":       func(r *paytype.CreateRequest) { r.Items[0].Booking.Objektnummer = "#" },
		"items[0].bookingData.buchungstext":       func(r *paytype.CreateRequest) { r.Items[0].Booking.Buchungstext = "Gebühr" },
		"items[0].bookingData.belegnummer":        func(r *paytype.CreateRequest) { r.Items[0].Booking.Belegnummer = "B/1" },
		"items[0].bookingData.faelligkeitsdatum":  func(r *paytype.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "2026-02-30" },
		"items[0].bookingData.extra":              func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"kassenzeichen": "1"} },
		"items[0].bookingData.extra key":          func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"a b": "1"} },
		"items[0].bookingData.extra[mandant]":     func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"mandant": "\x07"} },
		"items[1].bookingData.belegnummer":        func(r *paytype.CreateRequest) { r.Items[1].Booking.Belegnummer = r.Items[0].Booking.Belegnummer },
		"items[1].id (duplicate)":                 func(r *paytype.CreateRequest) { r.Items[1].ID = r.Items[0].ID },
		"items[0].bookingData (too many entries)": func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = manyEntries(paytype.MaxBookingEntries + 1) },
	} {
		t.Run(want, func(t *testing.T) {
			r := paymenttest.ValidRequest("k")
			mutate(r)
			err := r.Validate()
			var fe *paytype.FieldError
			require.True(t, errors.As(err, &fe), "%v", err)
			field, _, _ := strings.Cut(want, " (")
			assert.Equal(t, field, fe.Field)
		})
	}
}

func manyEntries(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[fmt.Sprintf("k%d", i)] = "v"
	}
	return m
}
