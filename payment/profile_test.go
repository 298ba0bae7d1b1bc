package payment_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// A Mandant profile is checked before anything is stored or sent, and a
// violation is refused, never truncated.
func TestProfileChecks(t *testing.T) {
	t.Parallel()
	epaybl := payment.EPayBLProfile("ePayBL Test")
	withExtra := epaybl
	withExtra.RequiredBooking = append([]string{"mandant"}, epaybl.RequiredBooking...)
	shortPurpose := payment.Profile{Name: "kurz", MaxPurposeLength: 20}
	cases := []struct {
		name    string
		profile payment.Profile
		mut     func(*paytype.CreateRequest)
		ok      bool
	}{
		{"valid under ePayBL", epaybl, nil, true},
		{"13+1+13 = 27", epaybl, func(r *paytype.CreateRequest) { r.Items[0].Booking.Buchungstext = strings.Repeat("B", 13) }, true},
		{"13+1+14 = 28", epaybl, func(r *paytype.CreateRequest) { r.Items[0].Booking.Buchungstext = strings.Repeat("B", 14) }, false},
		{"long kassenzeichen", epaybl, func(r *paytype.CreateRequest) { r.Items[0].Booking.Kassenzeichen = strings.Repeat("4", 20) }, false},
		{"assigned kassenzeichen counted as 13", epaybl, func(r *paytype.CreateRequest) {
			r.Items[0].Booking.Kassenzeichen, r.Items[1].Booking.Kassenzeichen = "", ""
			r.Items[0].Booking.Buchungstext = strings.Repeat("B", 14)
		}, false},
		{"assigned kassenzeichen, 27", epaybl, func(r *paytype.CreateRequest) {
			r.Items[0].Booking.Kassenzeichen, r.Items[1].Booking.Kassenzeichen = "", ""
			r.Items[0].Booking.Buchungstext = strings.Repeat("B", 13)
		}, true},
		{"haushaltsstelle missing", epaybl, func(r *paytype.CreateRequest) { r.Items[1].Booking.Haushaltsstelle = "" }, false},
		{"extra key missing", withExtra, nil, false},
		{"extra key present", withExtra, func(r *paytype.CreateRequest) {
			for i := range r.Items {
				r.Items[i].Booking.Extra = map[string]string{"mandant": "0815"}
			}
		}, true},
		{"extra key on one item only", withExtra, func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"mandant": "0815"} }, false},
		{"purpose over profile limit", shortPurpose, nil, false},
		{"purpose within profile limit", shortPurpose, func(r *paytype.CreateRequest) { r.Purpose = "Gebuehr" }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.profile
			h := newHarness(t, func(cfg *payment.Config) { cfg.Profile = &p })
			r := paymenttest.ValidRequest("k-1")
			if c.mut != nil {
				c.mut(r)
			}
			before := paymenttest.ValidRequest("k-1")
			if c.mut != nil {
				c.mut(before)
			}
			_, err := h.c.Create(context.Background(), r)
			if c.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, paytype.ErrInvalidRequest)
			var fe *paytype.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Contains(t, fe.Reason, "profile "+p.Name)
			assert.Equal(t, before, r, "nothing truncated")
			assert.Zero(t, h.fake.Creates(), "no provider call")
			_, err = h.c.Get(context.Background(), "k-1")
			require.ErrorIs(t, err, paystore.ErrNotFound, "nothing stored")
		})
	}
}

func TestProfileConfig(t *testing.T) {
	t.Parallel()
	base := payment.Config{Provider: paymenttest.NewFakeProvider(), Store: paystore.NewMemoryStore()}
	prod := payment.EPayBLProfile("live")
	prod.Production = true
	for name, p := range map[string]payment.Profile{
		"negative limit":  {Name: "x", MaxKassenzeichenBuchungstext: -1},
		"negative length": {Name: "x", AssignedKassenzeichenLength: -1},
		"purpose over 27": {Name: "x", MaxPurposeLength: 28},
		"bad key":         {Name: "x", RequiredBooking: []string{"a b"}},
		"empty key":       {Name: "x", RequiredBooking: []string{""}},
	} {
		cfg := base
		cfg.Profile = &p
		_, err := payment.New(cfg)
		require.ErrorIs(t, err, payment.ErrInvalidConfig, name)
	}
	cfg := base
	cfg.Profile = &prod
	_, err := payment.New(cfg)
	require.NoError(t, err)
	cfg.InsecureDevelopment = true
	_, err = payment.New(cfg)
	require.ErrorIs(t, err, payment.ErrInvalidConfig, "a production profile refuses the development switch")
}
