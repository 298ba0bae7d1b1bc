package xbezahldienste

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paytype"
)

// decimal is an amount on the wire: a JSON number with exactly two
// decimals, written and read without float (XBezahldienste 1.0.0
// grosAmount, *Amount, taxRate).
type decimal int64

func (d decimal) MarshalJSON() ([]byte, error) {
	if d < 0 {
		return nil, fmt.Errorf("%w: negative amount", paytype.ErrInvalidAmount)
	}
	return []byte(paytype.Amount(d).String()), nil
}

func (d *decimal) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return fmt.Errorf("%w: null amount", payprovider.ErrProtocol)
	}
	s = strings.Trim(s, `"`) // some servers quote decimals
	// Trailing zeros beyond two decimals are exact ("12.340"); anything
	// else beyond two decimals is refused, never rounded.
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 2 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	a, err := paytype.ParseEUR(s)
	if err != nil {
		return fmt.Errorf("%w: %w", payprovider.ErrProtocol, err)
	}
	*d = decimal(a)
	return nil
}

// wireRequest is the PaymentRequest (XBezahldienste 1.0.0, initiate-payment-transaction).
type wireRequest struct {
	RequestID        string         `json:"requestId"`
	RequestTimestamp string         `json:"requestTimestamp"`
	Currency         string         `json:"currency"`
	GrosAmount       decimal        `json:"grosAmount"`
	Purpose          string         `json:"purpose"`
	Description      string         `json:"description,omitempty"`
	RedirectURL      string         `json:"redirectUrl"`
	Items            []wireItem     `json:"items"`
	Requestor        *wireRequestor `json:"requestor,omitempty"`
}

type wireItem struct {
	ID              string            `json:"id"`
	Reference       string            `json:"reference,omitempty"`
	Description     string            `json:"description,omitempty"`
	TaxRate         decimal           `json:"taxRate"`
	Quantity        int               `json:"quantity"`
	TotalNetAmount  decimal           `json:"totalNetAmount"`
	TotalTaxAmount  decimal           `json:"totalTaxAmount"`
	SingleNetAmount decimal           `json:"singleNetAmount"`
	SingleTaxAmount decimal           `json:"singleTaxAmount"`
	BookingData     map[string]string `json:"bookingData,omitempty"`
}

type wireRequestor struct {
	Name             string       `json:"name,omitempty"`
	FirstName        string       `json:"firstName,omitempty"`
	Gender           string       `json:"gender,omitempty"`
	IsOrganization   bool         `json:"isOrganization"`
	OrganizationName string       `json:"organizationName,omitempty"`
	Address          *wireAddress `json:"address,omitempty"`
}

type wireAddress struct {
	Street      string   `json:"street,omitempty"`
	HouseNumber string   `json:"houseNumber,omitempty"`
	AddressLine []string `json:"addressLine,omitempty"`
	PostalCode  string   `json:"postalCode,omitempty"`
	City        string   `json:"city,omitempty"`
	Country     string   `json:"country,omitempty"`
}

// wireTransaction is the PaymentTransaction (XBezahldienste 1.0.0; field names as in payment/paymenttest/SOURCES.md).
type wireTransaction struct {
	PaymentInformation *wireInformation `json:"paymentInformation"`
	PaymentRequest     *wireEcho        `json:"paymentRequest"`
}

type wireInformation struct {
	TransactionURL         string `json:"transactionUrl"`
	TransactionRedirectURL string `json:"transactionRedirectUrl"`
	TransactionID          string `json:"transactionId"`
	TransactionReference   string `json:"transactionReference"`
	TransactionTimestamp   string `json:"transactionTimestamp"`
	PaymentMethod          string `json:"paymentMethod"`
	PaymentMethodDetail    string `json:"paymentMethodDetail"`
	Status                 string `json:"status"`
	StatusDetail           string `json:"statusDetail"`
}

// wireEcho is the part of the echoed PaymentRequest that is compared with
// the stored request.
type wireEcho struct {
	RequestID  string   `json:"requestId"`
	Currency   string   `json:"currency"`
	GrosAmount *decimal `json:"grosAmount"`
}

// TimestampLayout is how requestTimestamp is written: UTC with
// milliseconds, as deployed XBezahldienste clients send it.
const TimestampLayout = "2006-01-02T15:04:05.000Z"

// EncodeRequest returns the PaymentRequest JSON for a submission. It is
// exported for tests and simulators; Provider.Create uses it.
func EncodeRequest(sub *payprovider.Submission) ([]byte, error) {
	r := sub.Request
	w := wireRequest{
		RequestID:        sub.RequestID,
		RequestTimestamp: sub.Timestamp.UTC().Format(TimestampLayout),
		Currency:         string(r.Currency),
		GrosAmount:       decimal(r.Total),
		Purpose:          r.Purpose,
		Description:      r.Description,
		RedirectURL:      r.RedirectURL,
	}
	for _, it := range r.Items {
		w.Items = append(w.Items, wireItem{
			ID: it.ID, Reference: it.Reference, Description: it.Description,
			TaxRate: decimal(it.TaxRate), Quantity: it.Quantity,
			TotalNetAmount: decimal(it.TotalNet), TotalTaxAmount: decimal(it.TotalTax),
			SingleNetAmount: decimal(it.SingleNet), SingleTaxAmount: decimal(it.SingleTax),
			BookingData: it.Booking.Map(),
		})
	}
	if q := r.Requestor; q != nil {
		wr := &wireRequestor{Name: q.Name, FirstName: q.FirstName, Gender: q.Gender, IsOrganization: q.IsOrganization, OrganizationName: q.OrganizationName}
		if a := q.Address; a != nil {
			wr.Address = &wireAddress{Street: a.Street, HouseNumber: a.HouseNumber, AddressLine: a.AddressLine, PostalCode: a.PostalCode, City: a.City, Country: a.Country}
		}
		w.Requestor = wr
	}
	return json.Marshal(w)
}

// DecodeTransaction parses a PaymentTransaction body. Unknown status strings
// yield paytype.ErrUnknownStatus, malformed bodies payprovider.ErrProtocol.
func DecodeTransaction(body []byte) (*payprovider.ProviderTransaction, error) {
	var w wireTransaction
	// Unmarshal reads body in place (a Decoder would copy it into its own
	// buffer first) and refuses anything after the document.
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("%w: transaction body: %w", payprovider.ErrProtocol, err)
	}
	if w.PaymentInformation == nil {
		return nil, fmt.Errorf("%w: paymentInformation missing", payprovider.ErrProtocol)
	}
	pi := w.PaymentInformation
	if pi.TransactionID == "" {
		return nil, fmt.Errorf("%w: transactionId missing", payprovider.ErrProtocol)
	}
	st, err := paytype.ParseStatus(pi.Status)
	if err != nil {
		return nil, err
	}
	pt := &payprovider.ProviderTransaction{
		TransactionID:  pi.TransactionID,
		TransactionURL: pi.TransactionURL,
		PayURL:         pi.TransactionRedirectURL,
		Reference:      pi.TransactionReference,
		Status:         st,
		StatusDetail:   pi.StatusDetail,
		PaymentMethod:  pi.PaymentMethod,
	}
	if pi.TransactionTimestamp != "" && st == paytype.StatusPaid {
		if ts, err := time.Parse(time.RFC3339Nano, pi.TransactionTimestamp); err == nil {
			pt.PaidAt = ts
		}
	}
	if e := w.PaymentRequest; e != nil {
		pt.RequestID = e.RequestID
		if e.Currency != "" {
			pt.Currency = paytype.Currency(e.Currency)
		}
		if e.GrosAmount != nil {
			pt.Amount, pt.AmountReported = paytype.Amount(*e.GrosAmount), true
		}
	}
	return pt, nil
}

// DecodeRequest parses a PaymentRequest body (for simulators and tests).
func DecodeRequest(body []byte) (*payprovider.Submission, error) {
	var w wireRequest
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("%w: request body: %w", payprovider.ErrProtocol, err)
	}
	ts, err := time.Parse(time.RFC3339Nano, w.RequestTimestamp)
	if err != nil {
		return nil, fmt.Errorf("%w: requestTimestamp: %w", payprovider.ErrProtocol, err)
	}
	r := &paytype.CreateRequest{
		IdempotencyKey: w.RequestID, Currency: paytype.Currency(w.Currency), Total: paytype.Amount(w.GrosAmount),
		Purpose: w.Purpose, Description: w.Description, RedirectURL: w.RedirectURL,
	}
	for _, it := range w.Items {
		b, err := bookingFromMap(it.BookingData)
		if err != nil {
			return nil, err
		}
		r.Items = append(r.Items, paytype.Item{
			ID: it.ID, Reference: it.Reference, Description: it.Description, Quantity: it.Quantity,
			TaxRate: paytype.TaxRate(it.TaxRate), SingleNet: paytype.Amount(it.SingleNetAmount), SingleTax: paytype.Amount(it.SingleTaxAmount),
			TotalNet: paytype.Amount(it.TotalNetAmount), TotalTax: paytype.Amount(it.TotalTaxAmount), Booking: b,
		})
	}
	if q := w.Requestor; q != nil {
		rq := &paytype.Requestor{Name: q.Name, FirstName: q.FirstName, Gender: q.Gender, IsOrganization: q.IsOrganization, OrganizationName: q.OrganizationName}
		if a := q.Address; a != nil {
			rq.Address = &paytype.Address{Street: a.Street, HouseNumber: a.HouseNumber, AddressLine: a.AddressLine, PostalCode: a.PostalCode, City: a.City, Country: a.Country}
		}
		r.Requestor = rq
	}
	return &payprovider.Submission{RequestID: w.RequestID, Timestamp: ts, Request: r}, nil
}

func bookingFromMap(m map[string]string) (paytype.Booking, error) {
	var b paytype.Booking
	for k, v := range m {
		switch k {
		case paytype.BookingKeyKassenzeichen:
			b.Kassenzeichen = v
		case paytype.BookingKeyHaushaltsstelle:
			b.Haushaltsstelle = v
		case paytype.BookingKeyObjektnummer:
			b.Objektnummer = v
		case paytype.BookingKeyBuchungstext:
			b.Buchungstext = v
		case paytype.BookingKeyBelegnummer:
			b.Belegnummer = v
		case paytype.BookingKeyFaelligkeitsdatum:
			b.Faelligkeitsdatum = paytype.DueDate(v)
		default:
			if b.Extra == nil {
				b.Extra = map[string]string{}
			}
			b.Extra[k] = v
		}
	}
	return b, nil
}
