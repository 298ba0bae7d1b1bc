package paytype

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/egosaar/ozg/internal/httpx"
)

// Limits of XBezahldienste 1.0.0 (PaymentRequest, PaymentItem; reference
// XBezahldienste 1.0.0, initiate-payment-transaction). Values beyond them are refused, never truncated.
const (
	MaxIDLength          = 36   // requestId, item id, item reference, originatorId, endPointId
	MaxPurposeLength     = 27   // purpose (Verwendungszweck / Buchungstext, SEPA limit)
	MaxDescriptionLength = 250  // description, item description, bookingData values
	MaxRedirectURLLength = 2082 // redirectUrl
	MaxItems             = 99   // items: 1 … 99
	MaxQuantity          = 999999
	MaxBelegnummerLength = 30 // AKDB ePayBL REST: ≤ 30, letters/digits/_/-
	MaxBookingKeyLength  = 64
	MaxBookingEntries    = 32
	MaxNameLength        = 100 // requestor names, street, city (SDK limit)
)

// CreateRequest is what a caller asks to be paid. All fields are validated
// by Validate; nothing is truncated, cleaned or clamped.
type CreateRequest struct {
	// IdempotencyKey becomes the XBezahldienste requestId: 1 … 36 characters
	// of [A-Za-z0-9_-]. Repeating Create with the same key and the same
	// request returns the same transaction; with a different request it
	// fails with ErrIdempotencyConflict. Required.
	IdempotencyKey string `json:"requestId"`
	// Currency must be EUR. Required (never defaulted).
	Currency Currency `json:"currency"`
	// Total is the gross amount (grosAmount); it must equal the sum of
	// TotalNet+TotalTax over all items. 0.01 … 999999.00.
	Total Amount `json:"grosAmount"`
	// Purpose is the Verwendungszweck / Buchungstext: 1 … 27 characters of
	// ASCII letters (A-Z, a-z; no umlauts), digits, space, "_" and "-".
	// Required.
	Purpose string `json:"purpose"`
	// Description may be shown on the pay page: ≤ 250 characters of
	// letters (incl. U+00C0 … U+017F), digits, whitespace, "_", "-", ",", ".".
	Description string `json:"description,omitempty"`
	// RedirectURL is where the Bezahldienst sends the user back: absolute
	// https URL, ≤ 2082 characters, without user info or fragment
	// (http to a loopback host only with Config.InsecureDevelopment, checked
	// by Client.Create). The redirect is never trusted for the result: its
	// handler calls [Client.Sync], which pulls the status.
	RedirectURL string `json:"redirectUrl"`
	// Items are the positions, 1 … 99.
	Items []Item `json:"items"`
	// Requestor is the payer; optional.
	Requestor *Requestor `json:"requestor,omitempty"`
}

// Item is one position (XBezahldienste PaymentItem).
type Item struct {
	ID          string  `json:"id"`                  // 1 … 36, [A-Za-z0-9_-]
	Reference   string  `json:"reference,omitempty"` // ≤ 36, [A-Za-z0-9_-]
	Description string  `json:"description,omitempty"`
	Quantity    int     `json:"quantity"` // 1 … 999999
	TaxRate     TaxRate `json:"taxRate"`
	SingleNet   Amount  `json:"singleNetAmount"`
	SingleTax   Amount  `json:"singleTaxAmount"`
	TotalNet    Amount  `json:"totalNetAmount"` // must equal SingleNet × Quantity
	TotalTax    Amount  `json:"totalTaxAmount"` // must equal SingleTax × Quantity
	Booking     Booking `json:"booking"`
}

// Booking is the data the municipal treasury (Kasse) books against. It is
// sent in the item's bookingData map under the keys listed at the fields;
// Extra carries further Bezahldienst-specific keys (agreed per Mandant).
type Booking struct {
	// Kassenzeichen is the payment reference the Kasse books against
	// (key "kassenzeichen"; ≤ 36, [A-Za-z0-9_/-]).
	Kassenzeichen string `json:"kassenzeichen,omitempty"`
	// Haushaltsstelle is the budget line (key "haushaltsstelle"; ≤ 36,
	// [A-Za-z0-9 ._/-]).
	Haushaltsstelle string `json:"haushaltsstelle,omitempty"`
	// Objektnummer is the cost object (key "objektnummer"; ≤ 36,
	// [A-Za-z0-9 ._/-]).
	Objektnummer string `json:"objektnummer,omitempty"`
	// Buchungstext is the booking text (key "buchungstext"; ≤ 27, like
	// Purpose).
	Buchungstext string `json:"buchungstext,omitempty"`
	// Belegnummer is the voucher number (key "belegnummer"; ≤ 30,
	// [A-Za-z0-9_-]). Two items of one request with the same Kassenzeichen
	// (or both without one) must not share a Belegnummer (AKDB ePayBL:
	// "eindeutig pro Kassenzeichen"); Validate refuses it.
	Belegnummer string `json:"belegnummer,omitempty"`
	// Faelligkeitsdatum is the due date (key "faelligkeitsdatum").
	Faelligkeitsdatum DueDate `json:"faelligkeitsdatum,omitempty"`
	// Extra holds further bookingData entries: ≤ 32 entries, keys ≤ 64 of
	// [A-Za-z0-9_.-] not colliding with the typed keys, values ≤ 250
	// printable characters.
	Extra map[string]string `json:"extra,omitempty"`
}

// Typed bookingData keys.
const (
	BookingKeyKassenzeichen     = "kassenzeichen"
	BookingKeyHaushaltsstelle   = "haushaltsstelle"
	BookingKeyObjektnummer      = "objektnummer"
	BookingKeyBuchungstext      = "buchungstext"
	BookingKeyBelegnummer       = "belegnummer"
	BookingKeyFaelligkeitsdatum = "faelligkeitsdatum"
)

// Map returns the booking as a flat bookingData map (nil when empty).
func (b Booking) Map() map[string]string {
	m := map[string]string{}
	for k, v := range b.Extra {
		m[k] = v
	}
	put := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put(BookingKeyKassenzeichen, b.Kassenzeichen)
	put(BookingKeyHaushaltsstelle, b.Haushaltsstelle)
	put(BookingKeyObjektnummer, b.Objektnummer)
	put(BookingKeyBuchungstext, b.Buchungstext)
	put(BookingKeyBelegnummer, b.Belegnummer)
	put(BookingKeyFaelligkeitsdatum, string(b.Faelligkeitsdatum))
	if len(m) == 0 {
		return nil
	}
	return m
}

// Requestor is the payer (XBezahldienste Requestor).
type Requestor struct {
	Name             string   `json:"name,omitempty"` // family name
	FirstName        string   `json:"firstName,omitempty"`
	Gender           string   `json:"gender,omitempty"` // "M", "F", "D" or ""
	IsOrganization   bool     `json:"isOrganization,omitempty"`
	OrganizationName string   `json:"organizationName,omitempty"`
	Address          *Address `json:"address,omitempty"`
}

// Address is the payer's address (XBezahldienste Address).
type Address struct {
	Street      string   `json:"street,omitempty"`
	HouseNumber string   `json:"houseNumber,omitempty"` // ≤ 20
	AddressLine []string `json:"addressLine,omitempty"` // ≤ 9 lines
	PostalCode  string   `json:"postalCode,omitempty"`  // ≤ 10, letters, digits, space, "-"
	City        string   `json:"city,omitempty"`
	Country     string   `json:"country,omitempty"` // ISO 3166-1 alpha-2, upper case
}

// Validate checks every field against the limits above and that the items
// add up to Total. The first violation is returned as *FieldError (or
// *AmountError); it wraps ErrInvalidRequest, ErrInvalidAmount,
// ErrInvalidCurrency or ErrCalculation.
func (r *CreateRequest) Validate() error { return r.validate(false) }

// ValidateWith is Validate for a Client configured with
// InsecureDevelopment: insecureDevelopment additionally accepts a plain
// http redirect URL to a loopback host. Production code calls Validate.
func (r *CreateRequest) ValidateWith(insecureDevelopment bool) error {
	return r.validate(insecureDevelopment)
}

// validate is Validate; development allows a RedirectURL with plain http
// to a loopback host (Config.InsecureDevelopment).
func (r *CreateRequest) validate(development bool) error {
	if r == nil {
		return &FieldError{Field: "request", Reason: "missing", Err: ErrInvalidRequest}
	}
	if err := checkID("requestId", r.IdempotencyKey, true); err != nil {
		return err
	}
	if err := r.Currency.Validate(); err != nil {
		return err
	}
	if err := checkText("purpose", r.Purpose, MaxPurposeLength, true, isPurposeRune); err != nil {
		return err
	}
	if err := checkText("description", r.Description, MaxDescriptionLength, false, isDescriptionRune); err != nil {
		return err
	}
	if err := checkRedirectURL(r.RedirectURL, development); err != nil {
		return err
	}
	if len(r.Items) == 0 || len(r.Items) > MaxItems {
		return &FieldError{Field: "items", Reason: fmt.Sprintf("need 1 … %d items, have %d", MaxItems, len(r.Items)), Err: ErrInvalidRequest}
	}
	if err := r.Total.Validate(); err != nil {
		return &FieldError{Field: "grosAmount", Reason: "outside 0.01 … 999999.00", Err: ErrInvalidAmount}
	}
	if r.Total == 0 {
		return &FieldError{Field: "grosAmount", Reason: "outside 0.01 … 999999.00", Err: ErrInvalidAmount}
	}
	var sum Amount
	ids := map[string]bool{}
	belege := map[[2]string]bool{}
	for i := range r.Items {
		it := &r.Items[i]
		if err := it.validate(); err != nil {
			// The path is built only for the error: a valid request
			// allocates no field names.
			return within(err, fmt.Sprintf("items[%d]", i))
		}
		if ids[it.ID] {
			return &FieldError{Field: fmt.Sprintf("items[%d].id", i), Reason: "duplicate item id", Err: ErrInvalidRequest}
		}
		ids[it.ID] = true
		if b := it.Booking; b.Belegnummer != "" {
			k := [2]string{b.Kassenzeichen, b.Belegnummer}
			if belege[k] {
				return &FieldError{Field: fmt.Sprintf("items[%d].bookingData.belegnummer", i), Reason: "not unique per kassenzeichen", Err: ErrInvalidRequest}
			}
			belege[k] = true
		}
		var ok bool
		if sum, ok = addAmounts(sum, it.TotalNet); ok {
			sum, ok = addAmounts(sum, it.TotalTax)
		}
		if !ok || sum > MaxAmount {
			return &FieldError{Field: "items", Reason: "sum of items exceeds 999999.00", Err: ErrCalculation}
		}
	}
	if sum != r.Total {
		return &FieldError{Field: "grosAmount", Reason: "does not equal the sum of the items", Err: ErrCalculation}
	}
	if r.Requestor != nil {
		if err := r.Requestor.validate(); err != nil {
			return err
		}
	}
	return nil
}

// within prefixes the field path of a *FieldError from a nested check
// (Item, Booking), which names its fields relative to itself.
func within(err error, prefix string) error {
	if fe, ok := err.(*FieldError); ok {
		if fe.Field == "" {
			fe.Field = prefix
		} else {
			fe.Field = prefix + "." + fe.Field
		}
	}
	return err
}

// validate checks one item; field names are relative to the item (see
// within).
func (it *Item) validate() error {
	if err := checkID("id", it.ID, true); err != nil {
		return err
	}
	if err := checkID("reference", it.Reference, false); err != nil {
		return err
	}
	if err := checkText("description", it.Description, MaxDescriptionLength, false, isDescriptionRune); err != nil {
		return err
	}
	if it.Quantity < 1 || it.Quantity > MaxQuantity {
		return &FieldError{Field: "quantity", Reason: "outside 1 … 999999", Err: ErrInvalidRequest}
	}
	if err := it.TaxRate.Validate(); err != nil {
		return &FieldError{Field: "taxRate", Reason: "outside 0 … 100 percent", Err: ErrInvalidRequest}
	}
	for _, a := range []struct {
		name string
		v    Amount
	}{{"singleNetAmount", it.SingleNet}, {"singleTaxAmount", it.SingleTax}, {"totalNetAmount", it.TotalNet}, {"totalTaxAmount", it.TotalTax}} {
		if err := a.v.Validate(); err != nil {
			return &FieldError{Field: a.name, Reason: "outside 0.00 … 999999.00", Err: ErrInvalidAmount}
		}
	}
	if n, ok := mulAmount(it.SingleNet, int64(it.Quantity)); !ok || n != it.TotalNet {
		return &FieldError{Field: "totalNetAmount", Reason: "does not equal singleNetAmount × quantity", Err: ErrCalculation}
	}
	if t, ok := mulAmount(it.SingleTax, int64(it.Quantity)); !ok || t != it.TotalTax {
		return &FieldError{Field: "totalTaxAmount", Reason: "does not equal singleTaxAmount × quantity", Err: ErrCalculation}
	}
	if err := it.Booking.validate(); err != nil {
		return within(err, "bookingData")
	}
	return nil
}

// validate checks the booking; field names are relative to bookingData.
func (b *Booking) validate() error {
	if err := checkText("kassenzeichen", b.Kassenzeichen, MaxIDLength, false, isKassenzeichenRune); err != nil {
		return err
	}
	if err := checkText("haushaltsstelle", b.Haushaltsstelle, MaxIDLength, false, isAccountRune); err != nil {
		return err
	}
	if err := checkText("objektnummer", b.Objektnummer, MaxIDLength, false, isAccountRune); err != nil {
		return err
	}
	if err := checkText("buchungstext", b.Buchungstext, MaxPurposeLength, false, isPurposeRune); err != nil {
		return err
	}
	if err := checkText("belegnummer", b.Belegnummer, MaxBelegnummerLength, false, isIDRune); err != nil {
		return err
	}
	if err := b.Faelligkeitsdatum.Validate(); err != nil {
		return &FieldError{Field: "faelligkeitsdatum", Reason: "not a valid YYYY-MM-DD date", Err: ErrInvalidRequest}
	}
	if len(b.Extra) > MaxBookingEntries {
		return &FieldError{Reason: fmt.Sprintf("more than %d extra entries", MaxBookingEntries), Err: ErrInvalidRequest}
	}
	for k, v := range b.Extra {
		switch k {
		case BookingKeyKassenzeichen, BookingKeyHaushaltsstelle, BookingKeyObjektnummer, BookingKeyBuchungstext, BookingKeyBelegnummer, BookingKeyFaelligkeitsdatum:
			return &FieldError{Field: "extra", Reason: "key collides with a typed booking field", Err: ErrInvalidRequest}
		}
		if err := checkText("extra key", k, MaxBookingKeyLength, true, isBookingKeyRune); err != nil {
			return err
		}
		if err := checkText("extra["+k+"]", v, MaxDescriptionLength, false, isPrintable); err != nil {
			return err
		}
	}
	return nil
}

func (q *Requestor) validate() error {
	for _, f := range []struct{ name, v string }{
		{"requestor.name", q.Name}, {"requestor.firstName", q.FirstName}, {"requestor.organizationName", q.OrganizationName},
	} {
		if err := checkText(f.name, f.v, MaxNameLength, false, isPrintable); err != nil {
			return err
		}
	}
	switch q.Gender {
	case "", "M", "F", "D":
	default:
		return &FieldError{Field: "requestor.gender", Reason: `not "M", "F" or "D"`, Err: ErrInvalidRequest}
	}
	if q.IsOrganization && q.OrganizationName == "" {
		return &FieldError{Field: "requestor.organizationName", Reason: "required for an organisation", Err: ErrInvalidRequest}
	}
	a := q.Address
	if a == nil {
		return nil
	}
	checks := []struct {
		name string
		v    string
		max  int
		ok   func(rune) bool
	}{
		{"requestor.address.street", a.Street, MaxNameLength, isPrintable},
		{"requestor.address.houseNumber", a.HouseNumber, 20, isPrintable},
		{"requestor.address.postalCode", a.PostalCode, 10, isPostalRune},
		{"requestor.address.city", a.City, MaxNameLength, isPrintable},
	}
	for _, c := range checks {
		if err := checkText(c.name, c.v, c.max, false, c.ok); err != nil {
			return err
		}
	}
	if len(a.AddressLine) > 9 {
		return &FieldError{Field: "requestor.address.addressLine", Reason: "more than 9 lines", Err: ErrInvalidRequest}
	}
	for i, l := range a.AddressLine {
		if err := checkText(fmt.Sprintf("requestor.address.addressLine[%d]", i), l, MaxNameLength, false, isPrintable); err != nil {
			return err
		}
	}
	if a.Country != "" && (len(a.Country) != 2 || a.Country[0] < 'A' || a.Country[0] > 'Z' || a.Country[1] < 'A' || a.Country[1] > 'Z') {
		return &FieldError{Field: "requestor.address.country", Reason: "not an ISO 3166-1 alpha-2 code", Err: ErrInvalidRequest}
	}
	return nil
}

// CheckRedirectURL validates a redirect URL: absolute https, a host, no
// user info, no fragment, ≤ 2082 characters.
func CheckRedirectURL(s string) error { return checkRedirectURL(s, false) }

func checkRedirectURL(s string, development bool) error {
	bad := func(reason string) error {
		return &FieldError{Field: "redirectUrl", Reason: reason, Err: ErrInvalidRequest}
	}
	if s == "" {
		return bad("missing")
	}
	if len(s) > MaxRedirectURLLength {
		return bad(fmt.Sprintf("longer than %d characters", MaxRedirectURLLength))
	}
	for _, c := range s {
		if c <= ' ' || c == 0x7f {
			return bad("contains control characters or spaces")
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad("not a URL")
	}
	if u.Host == "" || u.Hostname() == "" {
		return bad("missing host")
	}
	if u.User != nil {
		return bad("must not contain credentials")
	}
	if !httpx.AllowedEndpoint(u, development) {
		return bad("scheme must be https (http only to a loopback host with InsecureDevelopment)")
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return bad("must not contain a fragment")
	}
	return nil
}

// CheckID validates an XBezahldienste identifier (requestId,
// originatorId, endPointId, item id): 1 … 36 of [A-Za-z0-9_-].
func CheckID(field, v string) error { return checkID(field, v, true) }

// CheckBookingKey validates a bookingData key: 1 … 64 of [A-Za-z0-9_.-].
func CheckBookingKey(field, v string) error {
	return checkText(field, v, MaxBookingKeyLength, true, isBookingKeyRune)
}

func checkID(field, v string, required bool) error {
	return checkText(field, v, MaxIDLength, required, isIDRune)
}

func checkText(field, v string, max int, required bool, ok func(rune) bool) error {
	// One pass for the common valid value; anything it does not accept at
	// once goes through checkTextSlow, which finds the exact reason.
	n, blank := 0, true
	for _, c := range v {
		if c == utf8.RuneError || !ok(c) {
			return checkTextSlow(field, v, max, required, ok)
		}
		n++
		blank = blank && unicode.IsSpace(c)
	}
	if blank || n > max {
		return checkTextSlow(field, v, max, required, ok)
	}
	return nil
}

func checkTextSlow(field, v string, max int, required bool, ok func(rune) bool) error {
	if v == "" {
		if required {
			return &FieldError{Field: field, Reason: "missing", Err: ErrInvalidRequest}
		}
		return nil
	}
	if !utf8.ValidString(v) {
		return &FieldError{Field: field, Reason: "not valid UTF-8", Err: ErrInvalidRequest}
	}
	if n := utf8.RuneCountInString(v); n > max {
		return &FieldError{Field: field, Reason: fmt.Sprintf("%d characters, limit %d", n, max), Err: ErrInvalidRequest}
	}
	for _, c := range v {
		if !ok(c) {
			return &FieldError{Field: field, Reason: fmt.Sprintf("character %U not allowed", c), Err: ErrInvalidRequest}
		}
	}
	if strings.TrimSpace(v) == "" {
		return &FieldError{Field: field, Reason: "blank", Err: ErrInvalidRequest}
	}
	return nil
}

func isASCIIAlnum(c rune) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
func isIDRune(c rune) bool      { return isASCIIAlnum(c) || c == '_' || c == '-' }
func isPurposeRune(c rune) bool { return isIDRune(c) || c == ' ' }
func isDescriptionRune(c rune) bool {
	return isIDRune(c) || c == ' ' || c == ',' || c == '.' || (c >= 0xC0 && c <= 0x17F)
}
func isKassenzeichenRune(c rune) bool { return isIDRune(c) || c == '/' }
func isAccountRune(c rune) bool       { return isIDRune(c) || c == '.' || c == '/' || c == ' ' }
func isBookingKeyRune(c rune) bool    { return isIDRune(c) || c == '.' }
func isPostalRune(c rune) bool        { return isASCIIAlnum(c) || c == ' ' || c == '-' }
func isPrintable(c rune) bool         { return unicode.IsPrint(c) }
