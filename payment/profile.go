package payment

import (
	"fmt"
	"github.com/egosaar/ozg/payment/paytype"
	"unicode/utf8"
)

// Profile is what one Mandant's Bezahldienst installation (one
// originatorId/endPointId, one Client) requires beyond the XBezahldienste
// limits: booking fields its Kasse cannot book without, and tighter length
// rules. The bookingData keys a Bezahldienst needs are not standardised
// (XBezahldienste 1.0.0 only names BOOKING_DATA_MISSING); they are agreed
// per Mandant, so they are configuration. Client.Create checks the
// profile locally before anything is stored or sent; a value beyond a
// rule is refused with a *FieldError (ErrInvalidRequest), never truncated.
type Profile struct {
	// Name appears in error reasons (e.g. "ePayBL Landeshauptstadt").
	Name string
	// Production marks the profile of a live installation: New refuses it
	// together with Config.InsecureDevelopment.
	Production bool
	// RequiredBooking lists bookingData keys every item must carry: the
	// typed keys (BookingKeyKassenzeichen, BookingKeyHaushaltsstelle, …)
	// or keys of Booking.Extra.
	RequiredBooking []string
	// MaxKassenzeichenBuchungstext limits, per item with a Buchungstext,
	// the length of Kassenzeichen + "/" + Buchungstext (ePayBL
	// installations: 27, the SEPA remittance limit). 0: no such rule.
	MaxKassenzeichenBuchungstext int
	// AssignedKassenzeichenLength is the length assumed for an item
	// without Kassenzeichen, whose Kassenzeichen the Bezahldienst assigns
	// (ePayBL: 13 digits). Only used by MaxKassenzeichenBuchungstext.
	AssignedKassenzeichenLength int
	// MaxPurposeLength tightens the Purpose limit below XBezahldienste's
	// 27. 0: 27.
	MaxPurposeLength int
}

// EPayBLProfile returns the rules seen at ePayBL installations:
// Kassenzeichen + "/" + Buchungstext ≤ 27 characters, an assigned
// Kassenzeichen counted as 13, and a Haushaltsstelle on every item.
// Adjust it to what the Mandant agreed.
func EPayBLProfile(name string) Profile {
	return Profile{
		Name:                         name,
		RequiredBooking:              []string{paytype.BookingKeyHaushaltsstelle},
		MaxKassenzeichenBuchungstext: 27,
		AssignedKassenzeichenLength:  13,
	}
}

func (p *Profile) validate() error {
	if p.MaxKassenzeichenBuchungstext < 0 || p.AssignedKassenzeichenLength < 0 || p.MaxPurposeLength < 0 || p.MaxPurposeLength > paytype.MaxPurposeLength {
		return fmt.Errorf("%w: profile %q: limits out of range", ErrInvalidConfig, p.Name)
	}
	for _, k := range p.RequiredBooking {
		if err := paytype.CheckBookingKey("profile.requiredBooking", k); err != nil {
			return fmt.Errorf("%w: profile %q: required booking key malformed", ErrInvalidConfig, p.Name)
		}
	}
	return nil
}

// Check applies the profile to a request that passed Validate. It returns
// the first violation as a *FieldError wrapping ErrInvalidRequest.
func (p *Profile) Check(r *paytype.CreateRequest) error {
	bad := func(field, reason string) error {
		return &paytype.FieldError{Field: field, Reason: reason + " (profile " + p.Name + ")", Err: paytype.ErrInvalidRequest}
	}
	if p.MaxPurposeLength > 0 && utf8.RuneCountInString(r.Purpose) > p.MaxPurposeLength {
		return bad("purpose", fmt.Sprintf("longer than %d characters", p.MaxPurposeLength))
	}
	// Field paths are formatted only for a violation: Check runs on every
	// Create.
	field := func(i int, k string) string { return fmt.Sprintf("items[%d].bookingData.%s", i, k) }
	for i := range r.Items {
		bk := &r.Items[i].Booking
		for _, k := range p.RequiredBooking {
			if bookingValue(bk, k) == "" {
				return bad(field(i, k), "required")
			}
		}
		if p.MaxKassenzeichenBuchungstext > 0 && bk.Buchungstext != "" {
			kz := utf8.RuneCountInString(bk.Kassenzeichen)
			if kz == 0 {
				kz = p.AssignedKassenzeichenLength
			}
			if n := kz + 1 + utf8.RuneCountInString(bk.Buchungstext); n > p.MaxKassenzeichenBuchungstext {
				return bad(field(i, paytype.BookingKeyBuchungstext), fmt.Sprintf("kassenzeichen + \"/\" + buchungstext is %d characters, limit %d", n, p.MaxKassenzeichenBuchungstext))
			}
		}
	}
	return nil
}

// bookingValue is b.Map()[k] without building the map: the typed field
// for a typed key, else the Extra entry.
func bookingValue(b *paytype.Booking, k string) string {
	switch k {
	case paytype.BookingKeyKassenzeichen:
		return b.Kassenzeichen
	case paytype.BookingKeyHaushaltsstelle:
		return b.Haushaltsstelle
	case paytype.BookingKeyObjektnummer:
		return b.Objektnummer
	case paytype.BookingKeyBuchungstext:
		return b.Buchungstext
	case paytype.BookingKeyBelegnummer:
		return b.Belegnummer
	case paytype.BookingKeyFaelligkeitsdatum:
		return string(b.Faelligkeitsdatum)
	}
	return b.Extra[k]
}
