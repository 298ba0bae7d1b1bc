package paytype_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paytype"
)

func TestValidRequest(t *testing.T) {
	require.NoError(t, paymenttest.ValidRequest("k-1").Validate())
}

// oneItem returns a valid single-item request of total cents (net only).
func oneItem(key string, total paytype.Amount) *paytype.CreateRequest {
	return &paytype.CreateRequest{
		IdempotencyKey: key, Currency: paytype.EUR, Total: total, Purpose: "Gebuehr", RedirectURL: "https://s.example/r",
		Items: []paytype.Item{{ID: "p1", Quantity: 1, SingleNet: total, TotalNet: total}},
	}
}

func TestRequestLimits(t *testing.T) {
	t.Parallel()
	type mut func(r *paytype.CreateRequest)
	cases := []struct {
		name string
		mut  mut
		want error // nil = valid
	}{
		{"requestId 36", func(r *paytype.CreateRequest) { r.IdempotencyKey = strings.Repeat("a", 36) }, nil},
		{"requestId 37", func(r *paytype.CreateRequest) { r.IdempotencyKey = strings.Repeat("a", 37) }, paytype.ErrInvalidRequest},
		{"requestId empty", func(r *paytype.CreateRequest) { r.IdempotencyKey = "" }, paytype.ErrInvalidRequest},
		{"requestId dot", func(r *paytype.CreateRequest) { r.IdempotencyKey = "a.b" }, paytype.ErrInvalidRequest},
		{"requestId slash", func(r *paytype.CreateRequest) { r.IdempotencyKey = "a/b" }, paytype.ErrInvalidRequest},
		{"requestId umlaut", func(r *paytype.CreateRequest) { r.IdempotencyKey = "ä" }, paytype.ErrInvalidRequest},
		{"currency empty", func(r *paytype.CreateRequest) { r.Currency = "" }, paytype.ErrInvalidCurrency},
		{"currency USD", func(r *paytype.CreateRequest) { r.Currency = "USD" }, paytype.ErrInvalidCurrency},
		{"purpose 27", func(r *paytype.CreateRequest) { r.Purpose = strings.Repeat("x", 27) }, nil},
		{"purpose 28", func(r *paytype.CreateRequest) { r.Purpose = strings.Repeat("x", 28) }, paytype.ErrInvalidRequest},
		{"purpose empty", func(r *paytype.CreateRequest) { r.Purpose = "" }, paytype.ErrInvalidRequest},
		{"purpose blank", func(r *paytype.CreateRequest) { r.Purpose = "   " }, paytype.ErrInvalidRequest},
		{"purpose newline", func(r *paytype.CreateRequest) { r.Purpose = "a\nb" }, paytype.ErrInvalidRequest},
		{"purpose umlaut", func(r *paytype.CreateRequest) { r.Purpose = "Gebühr" }, paytype.ErrInvalidRequest},
		{"purpose invalid utf8", func(r *paytype.CreateRequest) { r.Purpose = "a\xffb" }, paytype.ErrInvalidRequest},
		{"description 250", func(r *paytype.CreateRequest) { r.Description = strings.Repeat("ü", 250) }, nil},
		{"description 251", func(r *paytype.CreateRequest) { r.Description = strings.Repeat("ü", 251) }, paytype.ErrInvalidRequest},
		{"description angle", func(r *paytype.CreateRequest) { r.Description = "<script>" }, paytype.ErrInvalidRequest},
		{"redirect http", func(r *paytype.CreateRequest) { r.RedirectURL = "http://s.example/r" }, paytype.ErrInvalidRequest},
		{"redirect creds", func(r *paytype.CreateRequest) { r.RedirectURL = "https://u:p@s.example/r" }, paytype.ErrInvalidRequest},
		{"redirect user only", func(r *paytype.CreateRequest) { r.RedirectURL = "https://u@s.example/r" }, paytype.ErrInvalidRequest},
		{"redirect fragment", func(r *paytype.CreateRequest) { r.RedirectURL = "https://s.example/r#x" }, paytype.ErrInvalidRequest},
		{"redirect relative", func(r *paytype.CreateRequest) { r.RedirectURL = "/r" }, paytype.ErrInvalidRequest},
		{"redirect javascript", func(r *paytype.CreateRequest) { r.RedirectURL = "javascript:alert(1)" }, paytype.ErrInvalidRequest},
		{"redirect space", func(r *paytype.CreateRequest) { r.RedirectURL = "https://s.example/a b" }, paytype.ErrInvalidRequest},
		{"redirect empty", func(r *paytype.CreateRequest) { r.RedirectURL = "" }, paytype.ErrInvalidRequest},
		{"redirect 2082", func(r *paytype.CreateRequest) {
			r.RedirectURL = "https://s.example/" + strings.Repeat("a", 2082-len("https://s.example/"))
		}, nil},
		{"redirect 2083", func(r *paytype.CreateRequest) {
			r.RedirectURL = "https://s.example/" + strings.Repeat("a", 2083-len("https://s.example/"))
		}, paytype.ErrInvalidRequest},
		{"items 0", func(r *paytype.CreateRequest) { r.Items = nil; r.Total = 1 }, paytype.ErrInvalidRequest},
		{"total 0", func(r *paytype.CreateRequest) { *r = *oneItem(r.IdempotencyKey, 0) }, paytype.ErrInvalidAmount},
		{"total negative", func(r *paytype.CreateRequest) { r.Total = -1 }, paytype.ErrInvalidAmount},
		{"total max", func(r *paytype.CreateRequest) { *r = *oneItem(r.IdempotencyKey, paytype.MaxAmount) }, nil},
		{"total over max", func(r *paytype.CreateRequest) { *r = *oneItem(r.IdempotencyKey, paytype.MaxAmount+1) }, paytype.ErrInvalidAmount},
		{"sum mismatch", func(r *paytype.CreateRequest) { r.Total++ }, paytype.ErrCalculation},
		{"net x qty mismatch", func(r *paytype.CreateRequest) { r.Items[1].TotalNet++; r.Total++ }, paytype.ErrCalculation},
		{"tax x qty mismatch", func(r *paytype.CreateRequest) { r.Items[1].TotalTax++; r.Total++ }, paytype.ErrCalculation},
		{"negative item net", func(r *paytype.CreateRequest) {
			r.Items[1].SingleNet, r.Items[1].TotalNet = -450, -900
			r.Total -= 1800
		}, paytype.ErrInvalidAmount},
		{"quantity 0", func(r *paytype.CreateRequest) { r.Items[0].Quantity = 0 }, paytype.ErrInvalidRequest},
		{"quantity 1000000", func(r *paytype.CreateRequest) { r.Items[0].Quantity = 1000000 }, paytype.ErrInvalidRequest},
		{"taxRate 100", func(r *paytype.CreateRequest) { r.Items[0].TaxRate = 10000 }, nil},
		{"taxRate over 100", func(r *paytype.CreateRequest) { r.Items[0].TaxRate = 10001 }, paytype.ErrInvalidRequest},
		{"taxRate negative", func(r *paytype.CreateRequest) { r.Items[0].TaxRate = -1 }, paytype.ErrInvalidRequest},
		{"item id empty", func(r *paytype.CreateRequest) { r.Items[0].ID = "" }, paytype.ErrInvalidRequest},
		{"item id duplicate", func(r *paytype.CreateRequest) { r.Items[1].ID = r.Items[0].ID }, paytype.ErrInvalidRequest},
		{"item reference 36", func(r *paytype.CreateRequest) { r.Items[0].Reference = strings.Repeat("r", 36) }, nil},
		{"item description 250", func(r *paytype.CreateRequest) { r.Items[0].Description = strings.Repeat("d", 250) }, nil},
		{"item description 251", func(r *paytype.CreateRequest) { r.Items[0].Description = strings.Repeat("d", 251) }, paytype.ErrInvalidRequest},
		{"item id 36", func(r *paytype.CreateRequest) { r.Items[0].ID = strings.Repeat("i", 36) }, nil},
		{"item id 37", func(r *paytype.CreateRequest) { r.Items[0].ID = strings.Repeat("i", 37) }, paytype.ErrInvalidRequest},
		{"quantity 999999", func(r *paytype.CreateRequest) {
			*r = *oneItem(r.IdempotencyKey, 999999)
			r.Items[0].Quantity, r.Items[0].SingleNet = 999999, 1
		}, nil},
		{"item reference 37", func(r *paytype.CreateRequest) { r.Items[0].Reference = strings.Repeat("r", 37) }, paytype.ErrInvalidRequest},
		{"kassenzeichen 36", func(r *paytype.CreateRequest) { r.Items[0].Booking.Kassenzeichen = strings.Repeat("1", 36) }, nil},
		{"kassenzeichen 37", func(r *paytype.CreateRequest) { r.Items[0].Booking.Kassenzeichen = strings.Repeat("1", 37) }, paytype.ErrInvalidRequest},
		{"kassenzeichen semicolon", func(r *paytype.CreateRequest) { r.Items[0].Booking.Kassenzeichen = "42;1" }, paytype.ErrInvalidRequest},
		{"haushaltsstelle 37", func(r *paytype.CreateRequest) { r.Items[0].Booking.Haushaltsstelle = strings.Repeat("1", 37) }, paytype.ErrInvalidRequest},
		{"objektnummer 37", func(r *paytype.CreateRequest) { r.Items[0].Booking.Objektnummer = strings.Repeat("1", 37) }, paytype.ErrInvalidRequest},
		{"buchungstext 27", func(r *paytype.CreateRequest) { r.Items[0].Booking.Buchungstext = strings.Repeat("b", 27) }, nil},
		{"buchungstext 28", func(r *paytype.CreateRequest) { r.Items[0].Booking.Buchungstext = strings.Repeat("b", 28) }, paytype.ErrInvalidRequest},
		{"belegnummer 30", func(r *paytype.CreateRequest) { r.Items[0].Booking.Belegnummer = strings.Repeat("9", 30) }, nil},
		{"belegnummer 31", func(r *paytype.CreateRequest) { r.Items[0].Booking.Belegnummer = strings.Repeat("9", 31) }, paytype.ErrInvalidRequest},
		{"belegnummer twice per kassenzeichen", func(r *paytype.CreateRequest) { r.Items[1].Booking.Belegnummer = r.Items[0].Booking.Belegnummer }, paytype.ErrInvalidRequest},
		{"belegnummer twice without kassenzeichen", func(r *paytype.CreateRequest) {
			r.Items[0].Booking.Kassenzeichen, r.Items[1].Booking.Kassenzeichen = "", ""
			r.Items[1].Booking.Belegnummer = r.Items[0].Booking.Belegnummer
		}, paytype.ErrInvalidRequest},
		{"belegnummer same under other kassenzeichen", func(r *paytype.CreateRequest) {
			r.Items[1].Booking.Kassenzeichen = "4200000000062"
			r.Items[1].Booking.Belegnummer = r.Items[0].Booking.Belegnummer
		}, nil},
		{"belegnummer distinct", func(r *paytype.CreateRequest) { r.Items[1].Booking.Belegnummer = "B-2026-0002" }, nil},
		{"belegnummer space", func(r *paytype.CreateRequest) { r.Items[0].Booking.Belegnummer = "B 1" }, paytype.ErrInvalidRequest},
		{"due date 2028-02-29", func(r *paytype.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "2028-02-29" }, nil},
		{"due date 2026-02-29", func(r *paytype.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "2026-02-29" }, paytype.ErrInvalidRequest},
		{"due date 2026-13-01", func(r *paytype.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "2026-13-01" }, paytype.ErrInvalidRequest},
		{"due date german", func(r *paytype.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "01.04.2026" }, paytype.ErrInvalidRequest},
		{"due date sign", func(r *paytype.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "+026-01-01" }, paytype.ErrInvalidRequest},
		{"extra collides", func(r *paytype.CreateRequest) {
			r.Items[0].Booking.Extra = map[string]string{"kassenzeichen": "x"}
		}, paytype.ErrInvalidRequest},
		{"extra value 250", func(r *paytype.CreateRequest) {
			r.Items[0].Booking.Extra = map[string]string{"k": strings.Repeat("v", 250)}
		}, nil},
		{"extra value 251", func(r *paytype.CreateRequest) {
			r.Items[0].Booking.Extra = map[string]string{"k": strings.Repeat("v", 251)}
		}, paytype.ErrInvalidRequest},
		{"extra key 65", func(r *paytype.CreateRequest) {
			r.Items[0].Booking.Extra = map[string]string{strings.Repeat("k", 65): "v"}
		}, paytype.ErrInvalidRequest},
		{"extra key space", func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"a b": "v"} }, paytype.ErrInvalidRequest},
		{"extra value control", func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"k": "a\x00"} }, paytype.ErrInvalidRequest},
		{"extra 33 entries", func(r *paytype.CreateRequest) {
			m := map[string]string{}
			for i := 0; i < 33; i++ {
				m[strings.Repeat("k", i+1)] = "v"
			}
			r.Items[0].Booking.Extra = m
		}, paytype.ErrInvalidRequest},
		{"gender X", func(r *paytype.CreateRequest) { r.Requestor = &paytype.Requestor{Gender: "X"} }, paytype.ErrInvalidRequest},
		{"org without name", func(r *paytype.CreateRequest) { r.Requestor = &paytype.Requestor{IsOrganization: true} }, paytype.ErrInvalidRequest},
		{"country lower", func(r *paytype.CreateRequest) {
			r.Requestor = &paytype.Requestor{Address: &paytype.Address{Country: "de"}}
		}, paytype.ErrInvalidRequest},
		{"house number 21", func(r *paytype.CreateRequest) {
			r.Requestor = &paytype.Requestor{Address: &paytype.Address{HouseNumber: strings.Repeat("1", 21)}}
		}, paytype.ErrInvalidRequest},
		{"address lines 10", func(r *paytype.CreateRequest) {
			r.Requestor = &paytype.Requestor{Address: &paytype.Address{AddressLine: make([]string, 10)}}
		}, paytype.ErrInvalidRequest},
		{"requestor ok", func(r *paytype.CreateRequest) {
			r.Requestor = &paytype.Requestor{Name: "Müller", FirstName: "Anna", Gender: "F",
				Address: &paytype.Address{Street: "Marienplatz", HouseNumber: "8", PostalCode: "80331", City: "München", Country: "DE"}}
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := paymenttest.ValidRequest("k-1")
			c.mut(r)
			before := *r
			err := r.Validate()
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
			var fe *paytype.FieldError
			var ae *paytype.AmountError
			assert.True(t, errorsAs(err, &fe) || errorsAs(err, &ae), "typed error")
			// Anti-patterns 9.1 and 9.2 (payment/paymenttest/SOURCES.md): never clamp or truncate.
			assert.Equal(t, before.Purpose, r.Purpose)
			assert.Equal(t, before.Total, r.Total)
		})
	}
}

func TestRequestItemsEdges(t *testing.T) {
	t.Parallel()
	mk := func(n int) *paytype.CreateRequest {
		r := oneItem("k", 0)
		r.Items = nil
		for i := 0; i < n; i++ {
			r.Items = append(r.Items, paytype.Item{ID: "p" + strings.Repeat("x", i%30) + string(rune('a'+i%26)) + itoa(i), Quantity: 1, SingleNet: 1, TotalNet: 1})
		}
		r.Total = paytype.Amount(n)
		return r
	}
	require.NoError(t, mk(1).Validate())
	require.NoError(t, mk(99).Validate())
	require.ErrorIs(t, mk(100).Validate(), paytype.ErrInvalidRequest)
	require.ErrorIs(t, (&paytype.CreateRequest{}).Validate(), paytype.ErrInvalidRequest)
	var nilReq *paytype.CreateRequest
	require.ErrorIs(t, nilReq.Validate(), paytype.ErrInvalidRequest)
}

func TestFieldErrorNamesFieldNotValue(t *testing.T) {
	r := paymenttest.ValidRequest("k")
	r.Purpose = "SECRET-VALUE-THAT-IS-TOO-LONG-X"
	err := r.Validate()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "SECRET-VALUE")
	assert.Contains(t, err.Error(), "purpose")
}

func TestBookingMap(t *testing.T) {
	b := paymenttest.ValidRequest("k").Items[0].Booking
	b.Extra = map[string]string{"mandant": "0815"}
	m := b.Map()
	assert.Equal(t, "4200000000061", m[paytype.BookingKeyKassenzeichen])
	assert.Equal(t, "2026-04-01", m[paytype.BookingKeyFaelligkeitsdatum])
	assert.Equal(t, "0815", m["mandant"])
	assert.Nil(t, paytype.Booking{}.Map())
}

func TestStatus(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"INITIAL", "PAYED", "CANCELED", "FAILED"} {
		st, err := paytype.ParseStatus(s)
		require.NoError(t, err)
		assert.Equal(t, s, string(st))
	}
	for _, s := range []string{"", "PAID", "payed", "Payed", "SUCCESS", "REFUNDED", "CHARGEBACK", "EXPIRED", "1", "PAYED ", " PAYED"} {
		_, err := paytype.ParseStatus(s)
		require.ErrorIs(t, err, paytype.ErrUnknownStatus, s)
	}
	all := []paytype.Status{"", paytype.StatusInitial, paytype.StatusPaid, paytype.StatusCanceled, paytype.StatusFailed, "OTHER"}
	for _, from := range all {
		for _, to := range all {
			want := from == paytype.StatusInitial && (to == paytype.StatusPaid || to == paytype.StatusCanceled || to == paytype.StatusFailed)
			assert.Equal(t, want, paytype.CanTransition(from, to), "%s -> %s", from, to)
		}
	}
	assert.False(t, paytype.StatusInitial.Terminal())
	assert.True(t, paytype.StatusPaid.Terminal())
}
