package payment_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
)

func TestValidRequest(t *testing.T) {
	require.NoError(t, paymenttest.ValidRequest("k-1").Validate())
}

// oneItem returns a valid single-item request of total cents (net only).
func oneItem(key string, total payment.Amount) *payment.CreateRequest {
	return &payment.CreateRequest{
		IdempotencyKey: key, Currency: payment.EUR, Total: total, Purpose: "Gebuehr", RedirectURL: "https://s.example/r",
		Items: []payment.Item{{ID: "p1", Quantity: 1, SingleNet: total, TotalNet: total}},
	}
}

func TestRequestLimits(t *testing.T) {
	t.Parallel()
	type mut func(r *payment.CreateRequest)
	cases := []struct {
		name string
		mut  mut
		want error // nil = valid
	}{
		{"requestId 36", func(r *payment.CreateRequest) { r.IdempotencyKey = strings.Repeat("a", 36) }, nil},
		{"requestId 37", func(r *payment.CreateRequest) { r.IdempotencyKey = strings.Repeat("a", 37) }, payment.ErrInvalidRequest},
		{"requestId empty", func(r *payment.CreateRequest) { r.IdempotencyKey = "" }, payment.ErrInvalidRequest},
		{"requestId dot", func(r *payment.CreateRequest) { r.IdempotencyKey = "a.b" }, payment.ErrInvalidRequest},
		{"requestId slash", func(r *payment.CreateRequest) { r.IdempotencyKey = "a/b" }, payment.ErrInvalidRequest},
		{"requestId umlaut", func(r *payment.CreateRequest) { r.IdempotencyKey = "ä" }, payment.ErrInvalidRequest},
		{"currency empty", func(r *payment.CreateRequest) { r.Currency = "" }, payment.ErrInvalidCurrency},
		{"currency USD", func(r *payment.CreateRequest) { r.Currency = "USD" }, payment.ErrInvalidCurrency},
		{"purpose 27", func(r *payment.CreateRequest) { r.Purpose = strings.Repeat("x", 27) }, nil},
		{"purpose 28", func(r *payment.CreateRequest) { r.Purpose = strings.Repeat("x", 28) }, payment.ErrInvalidRequest},
		{"purpose empty", func(r *payment.CreateRequest) { r.Purpose = "" }, payment.ErrInvalidRequest},
		{"purpose blank", func(r *payment.CreateRequest) { r.Purpose = "   " }, payment.ErrInvalidRequest},
		{"purpose newline", func(r *payment.CreateRequest) { r.Purpose = "a\nb" }, payment.ErrInvalidRequest},
		{"purpose umlaut", func(r *payment.CreateRequest) { r.Purpose = "Gebühr" }, payment.ErrInvalidRequest},
		{"purpose invalid utf8", func(r *payment.CreateRequest) { r.Purpose = "a\xffb" }, payment.ErrInvalidRequest},
		{"description 250", func(r *payment.CreateRequest) { r.Description = strings.Repeat("ü", 250) }, nil},
		{"description 251", func(r *payment.CreateRequest) { r.Description = strings.Repeat("ü", 251) }, payment.ErrInvalidRequest},
		{"description angle", func(r *payment.CreateRequest) { r.Description = "<script>" }, payment.ErrInvalidRequest},
		{"redirect http", func(r *payment.CreateRequest) { r.RedirectURL = "http://s.example/r" }, payment.ErrInvalidRequest},
		{"redirect creds", func(r *payment.CreateRequest) { r.RedirectURL = "https://u:p@s.example/r" }, payment.ErrInvalidRequest},
		{"redirect user only", func(r *payment.CreateRequest) { r.RedirectURL = "https://u@s.example/r" }, payment.ErrInvalidRequest},
		{"redirect fragment", func(r *payment.CreateRequest) { r.RedirectURL = "https://s.example/r#x" }, payment.ErrInvalidRequest},
		{"redirect relative", func(r *payment.CreateRequest) { r.RedirectURL = "/r" }, payment.ErrInvalidRequest},
		{"redirect javascript", func(r *payment.CreateRequest) { r.RedirectURL = "javascript:alert(1)" }, payment.ErrInvalidRequest},
		{"redirect space", func(r *payment.CreateRequest) { r.RedirectURL = "https://s.example/a b" }, payment.ErrInvalidRequest},
		{"redirect empty", func(r *payment.CreateRequest) { r.RedirectURL = "" }, payment.ErrInvalidRequest},
		{"redirect 2082", func(r *payment.CreateRequest) {
			r.RedirectURL = "https://s.example/" + strings.Repeat("a", 2082-len("https://s.example/"))
		}, nil},
		{"redirect 2083", func(r *payment.CreateRequest) {
			r.RedirectURL = "https://s.example/" + strings.Repeat("a", 2083-len("https://s.example/"))
		}, payment.ErrInvalidRequest},
		{"items 0", func(r *payment.CreateRequest) { r.Items = nil; r.Total = 1 }, payment.ErrInvalidRequest},
		{"total 0", func(r *payment.CreateRequest) { *r = *oneItem(r.IdempotencyKey, 0) }, payment.ErrInvalidAmount},
		{"total negative", func(r *payment.CreateRequest) { r.Total = -1 }, payment.ErrInvalidAmount},
		{"total max", func(r *payment.CreateRequest) { *r = *oneItem(r.IdempotencyKey, payment.MaxAmount) }, nil},
		{"total over max", func(r *payment.CreateRequest) { *r = *oneItem(r.IdempotencyKey, payment.MaxAmount+1) }, payment.ErrInvalidAmount},
		{"sum mismatch", func(r *payment.CreateRequest) { r.Total++ }, payment.ErrCalculation},
		{"net x qty mismatch", func(r *payment.CreateRequest) { r.Items[1].TotalNet++; r.Total++ }, payment.ErrCalculation},
		{"tax x qty mismatch", func(r *payment.CreateRequest) { r.Items[1].TotalTax++; r.Total++ }, payment.ErrCalculation},
		{"negative item net", func(r *payment.CreateRequest) {
			r.Items[1].SingleNet, r.Items[1].TotalNet = -450, -900
			r.Total -= 1800
		}, payment.ErrInvalidAmount},
		{"quantity 0", func(r *payment.CreateRequest) { r.Items[0].Quantity = 0 }, payment.ErrInvalidRequest},
		{"quantity 1000000", func(r *payment.CreateRequest) { r.Items[0].Quantity = 1000000 }, payment.ErrInvalidRequest},
		{"taxRate 100", func(r *payment.CreateRequest) { r.Items[0].TaxRate = 10000 }, nil},
		{"taxRate over 100", func(r *payment.CreateRequest) { r.Items[0].TaxRate = 10001 }, payment.ErrInvalidRequest},
		{"taxRate negative", func(r *payment.CreateRequest) { r.Items[0].TaxRate = -1 }, payment.ErrInvalidRequest},
		{"item id empty", func(r *payment.CreateRequest) { r.Items[0].ID = "" }, payment.ErrInvalidRequest},
		{"item id duplicate", func(r *payment.CreateRequest) { r.Items[1].ID = r.Items[0].ID }, payment.ErrInvalidRequest},
		{"item reference 36", func(r *payment.CreateRequest) { r.Items[0].Reference = strings.Repeat("r", 36) }, nil},
		{"item description 250", func(r *payment.CreateRequest) { r.Items[0].Description = strings.Repeat("d", 250) }, nil},
		{"item description 251", func(r *payment.CreateRequest) { r.Items[0].Description = strings.Repeat("d", 251) }, payment.ErrInvalidRequest},
		{"item id 36", func(r *payment.CreateRequest) { r.Items[0].ID = strings.Repeat("i", 36) }, nil},
		{"item id 37", func(r *payment.CreateRequest) { r.Items[0].ID = strings.Repeat("i", 37) }, payment.ErrInvalidRequest},
		{"quantity 999999", func(r *payment.CreateRequest) {
			*r = *oneItem(r.IdempotencyKey, 999999)
			r.Items[0].Quantity, r.Items[0].SingleNet = 999999, 1
		}, nil},
		{"item reference 37", func(r *payment.CreateRequest) { r.Items[0].Reference = strings.Repeat("r", 37) }, payment.ErrInvalidRequest},
		{"kassenzeichen 36", func(r *payment.CreateRequest) { r.Items[0].Booking.Kassenzeichen = strings.Repeat("1", 36) }, nil},
		{"kassenzeichen 37", func(r *payment.CreateRequest) { r.Items[0].Booking.Kassenzeichen = strings.Repeat("1", 37) }, payment.ErrInvalidRequest},
		{"kassenzeichen semicolon", func(r *payment.CreateRequest) { r.Items[0].Booking.Kassenzeichen = "42;1" }, payment.ErrInvalidRequest},
		{"haushaltsstelle 37", func(r *payment.CreateRequest) { r.Items[0].Booking.Haushaltsstelle = strings.Repeat("1", 37) }, payment.ErrInvalidRequest},
		{"objektnummer 37", func(r *payment.CreateRequest) { r.Items[0].Booking.Objektnummer = strings.Repeat("1", 37) }, payment.ErrInvalidRequest},
		{"buchungstext 27", func(r *payment.CreateRequest) { r.Items[0].Booking.Buchungstext = strings.Repeat("b", 27) }, nil},
		{"buchungstext 28", func(r *payment.CreateRequest) { r.Items[0].Booking.Buchungstext = strings.Repeat("b", 28) }, payment.ErrInvalidRequest},
		{"belegnummer 30", func(r *payment.CreateRequest) { r.Items[0].Booking.Belegnummer = strings.Repeat("9", 30) }, nil},
		{"belegnummer 31", func(r *payment.CreateRequest) { r.Items[0].Booking.Belegnummer = strings.Repeat("9", 31) }, payment.ErrInvalidRequest},
		{"belegnummer twice per kassenzeichen", func(r *payment.CreateRequest) { r.Items[1].Booking.Belegnummer = r.Items[0].Booking.Belegnummer }, payment.ErrInvalidRequest},
		{"belegnummer twice without kassenzeichen", func(r *payment.CreateRequest) {
			r.Items[0].Booking.Kassenzeichen, r.Items[1].Booking.Kassenzeichen = "", ""
			r.Items[1].Booking.Belegnummer = r.Items[0].Booking.Belegnummer
		}, payment.ErrInvalidRequest},
		{"belegnummer same under other kassenzeichen", func(r *payment.CreateRequest) {
			r.Items[1].Booking.Kassenzeichen = "4200000000062"
			r.Items[1].Booking.Belegnummer = r.Items[0].Booking.Belegnummer
		}, nil},
		{"belegnummer distinct", func(r *payment.CreateRequest) { r.Items[1].Booking.Belegnummer = "B-2026-0002" }, nil},
		{"belegnummer space", func(r *payment.CreateRequest) { r.Items[0].Booking.Belegnummer = "B 1" }, payment.ErrInvalidRequest},
		{"due date 2028-02-29", func(r *payment.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "2028-02-29" }, nil},
		{"due date 2026-02-29", func(r *payment.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "2026-02-29" }, payment.ErrInvalidRequest},
		{"due date 2026-13-01", func(r *payment.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "2026-13-01" }, payment.ErrInvalidRequest},
		{"due date german", func(r *payment.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "01.04.2026" }, payment.ErrInvalidRequest},
		{"due date sign", func(r *payment.CreateRequest) { r.Items[0].Booking.Faelligkeitsdatum = "+026-01-01" }, payment.ErrInvalidRequest},
		{"extra collides", func(r *payment.CreateRequest) {
			r.Items[0].Booking.Extra = map[string]string{"kassenzeichen": "x"}
		}, payment.ErrInvalidRequest},
		{"extra value 250", func(r *payment.CreateRequest) {
			r.Items[0].Booking.Extra = map[string]string{"k": strings.Repeat("v", 250)}
		}, nil},
		{"extra value 251", func(r *payment.CreateRequest) {
			r.Items[0].Booking.Extra = map[string]string{"k": strings.Repeat("v", 251)}
		}, payment.ErrInvalidRequest},
		{"extra key 65", func(r *payment.CreateRequest) {
			r.Items[0].Booking.Extra = map[string]string{strings.Repeat("k", 65): "v"}
		}, payment.ErrInvalidRequest},
		{"extra key space", func(r *payment.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"a b": "v"} }, payment.ErrInvalidRequest},
		{"extra value control", func(r *payment.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"k": "a\x00"} }, payment.ErrInvalidRequest},
		{"extra 33 entries", func(r *payment.CreateRequest) {
			m := map[string]string{}
			for i := 0; i < 33; i++ {
				m[strings.Repeat("k", i+1)] = "v"
			}
			r.Items[0].Booking.Extra = m
		}, payment.ErrInvalidRequest},
		{"gender X", func(r *payment.CreateRequest) { r.Requestor = &payment.Requestor{Gender: "X"} }, payment.ErrInvalidRequest},
		{"org without name", func(r *payment.CreateRequest) { r.Requestor = &payment.Requestor{IsOrganization: true} }, payment.ErrInvalidRequest},
		{"country lower", func(r *payment.CreateRequest) {
			r.Requestor = &payment.Requestor{Address: &payment.Address{Country: "de"}}
		}, payment.ErrInvalidRequest},
		{"house number 21", func(r *payment.CreateRequest) {
			r.Requestor = &payment.Requestor{Address: &payment.Address{HouseNumber: strings.Repeat("1", 21)}}
		}, payment.ErrInvalidRequest},
		{"address lines 10", func(r *payment.CreateRequest) {
			r.Requestor = &payment.Requestor{Address: &payment.Address{AddressLine: make([]string, 10)}}
		}, payment.ErrInvalidRequest},
		{"requestor ok", func(r *payment.CreateRequest) {
			r.Requestor = &payment.Requestor{Name: "Müller", FirstName: "Anna", Gender: "F",
				Address: &payment.Address{Street: "Marienplatz", HouseNumber: "8", PostalCode: "80331", City: "München", Country: "DE"}}
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
			var fe *payment.FieldError
			var ae *payment.AmountError
			assert.True(t, errorsAs(err, &fe) || errorsAs(err, &ae), "typed error")
			// Anti-patterns 9.1 and 9.2 (payment/paymenttest/SOURCES.md): never clamp or truncate.
			assert.Equal(t, before.Purpose, r.Purpose)
			assert.Equal(t, before.Total, r.Total)
		})
	}
}

func TestRequestItemsEdges(t *testing.T) {
	t.Parallel()
	mk := func(n int) *payment.CreateRequest {
		r := oneItem("k", 0)
		r.Items = nil
		for i := 0; i < n; i++ {
			r.Items = append(r.Items, payment.Item{ID: "p" + strings.Repeat("x", i%30) + string(rune('a'+i%26)) + itoa(i), Quantity: 1, SingleNet: 1, TotalNet: 1})
		}
		r.Total = payment.Amount(n)
		return r
	}
	require.NoError(t, mk(1).Validate())
	require.NoError(t, mk(99).Validate())
	require.ErrorIs(t, mk(100).Validate(), payment.ErrInvalidRequest)
	require.ErrorIs(t, (&payment.CreateRequest{}).Validate(), payment.ErrInvalidRequest)
	var nilReq *payment.CreateRequest
	require.ErrorIs(t, nilReq.Validate(), payment.ErrInvalidRequest)
}

func TestFieldErrorNamesFieldNotValue(t *testing.T) {
	r := paymenttest.ValidRequest("k")
	r.Purpose = "SECRET-VALUE-THAT-IS-TOO-LONG-X"
	err := r.Validate()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "SECRET-VALUE")
	assert.Contains(t, err.Error(), "purpose")
}

func TestFingerprintStable(t *testing.T) {
	a, b := paymenttest.ValidRequest("k"), paymenttest.ValidRequest("k")
	a.Items[0].Booking.Extra = map[string]string{"x": "1", "y": "2", "z": "3"}
	b.Items[0].Booking.Extra = map[string]string{"z": "3", "y": "2", "x": "1"}
	assert.Equal(t, a.Fingerprint(), b.Fingerprint())
	b.Items[0].Booking.Extra["z"] = "4"
	assert.NotEqual(t, a.Fingerprint(), b.Fingerprint())
}

func TestBookingMap(t *testing.T) {
	b := paymenttest.ValidRequest("k").Items[0].Booking
	b.Extra = map[string]string{"mandant": "0815"}
	m := b.Map()
	assert.Equal(t, "4200000000061", m[payment.BookingKeyKassenzeichen])
	assert.Equal(t, "2026-04-01", m[payment.BookingKeyFaelligkeitsdatum])
	assert.Equal(t, "0815", m["mandant"])
	assert.Nil(t, payment.Booking{}.Map())
}

func TestStatus(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"INITIAL", "PAYED", "CANCELED", "FAILED"} {
		st, err := payment.ParseStatus(s)
		require.NoError(t, err)
		assert.Equal(t, s, string(st))
	}
	for _, s := range []string{"", "PAID", "payed", "Payed", "SUCCESS", "REFUNDED", "CHARGEBACK", "EXPIRED", "1", "PAYED ", " PAYED"} {
		_, err := payment.ParseStatus(s)
		require.ErrorIs(t, err, payment.ErrUnknownStatus, s)
	}
	all := []payment.Status{"", payment.StatusInitial, payment.StatusPaid, payment.StatusCanceled, payment.StatusFailed, "OTHER"}
	for _, from := range all {
		for _, to := range all {
			want := from == payment.StatusInitial && (to == payment.StatusPaid || to == payment.StatusCanceled || to == payment.StatusFailed)
			assert.Equal(t, want, payment.CanTransition(from, to), "%s -> %s", from, to)
		}
	}
	assert.False(t, payment.StatusInitial.Terminal())
	assert.True(t, payment.StatusPaid.Terminal())
}
