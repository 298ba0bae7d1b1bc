package xbezahldienste

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

func TestDecimalWire(t *testing.T) {
	t.Parallel()
	ok := map[string]int64{`12.34`: 1234, `12`: 1200, `12.340`: 1234, `"12.34"`: 1234, `0.5`: 50, `999999.00`: 99999900, `1.000000`: 100}
	for in, want := range ok {
		var d decimal
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.Equal(t, want, int64(d), in)
	}
	for _, in := range []string{`12.345`, `-1`, `1e2`, `null`, `"x"`, `12.3401`, `true`, `NaN`, `0.001`} {
		var d decimal
		require.Error(t, json.Unmarshal([]byte(in), &d), in)
	}
	b, err := json.Marshal(decimal(1234))
	require.NoError(t, err)
	assert.Equal(t, "12.34", string(b))
	_, err = json.Marshal(decimal(-1))
	require.Error(t, err)
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	r := &paytype.CreateRequest{
		IdempotencyKey: "k-1", Currency: paytype.EUR, Total: 1190, Purpose: "Gebuehr", RedirectURL: "https://s.example/r",
		Items: []paytype.Item{{ID: "p1", Quantity: 1, TaxRate: 1900, SingleNet: 1000, SingleTax: 190, TotalNet: 1000, TotalTax: 190,
			Booking: paytype.Booking{Kassenzeichen: "42", Extra: map[string]string{"mandant": "1"}}}},
		Requestor: &paytype.Requestor{Name: "M", Address: &paytype.Address{Country: "DE"}},
	}
	ts := time.Date(2026, 3, 1, 10, 0, 0, 123e6, time.UTC)
	body, err := EncodeRequest(&payprovider.Submission{RequestID: "k-1", Timestamp: ts, Request: r})
	require.NoError(t, err)
	assert.Contains(t, string(body), `"grosAmount":11.90`)
	assert.Contains(t, string(body), `"taxRate":19.00`)
	assert.Contains(t, string(body), `"requestTimestamp":"2026-03-01T10:00:00.123Z"`)
	assert.Contains(t, string(body), `"kassenzeichen":"42"`)
	assert.NotContains(t, string(body), "e+", "no float formatting")
	sub, err := DecodeRequest(body)
	require.NoError(t, err)
	assert.Equal(t, *r, *sub.Request)
	assert.True(t, sub.Timestamp.Equal(ts))
}

func TestDecodeTransactionNegative(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"not json":        `<html>`,
		"no info":         `{}`,
		"no id":           `{"paymentInformation":{"status":"INITIAL"}}`,
		"unknown status":  `{"paymentInformation":{"transactionId":"T","status":"PAID"}}`,
		"lower status":    `{"paymentInformation":{"transactionId":"T","status":"payed"}}`,
		"empty status":    `{"paymentInformation":{"transactionId":"T","status":""}}`,
		"bad amount":      `{"paymentInformation":{"transactionId":"T","status":"PAYED"},"paymentRequest":{"grosAmount":1.005}}`,
		"negative amount": `{"paymentInformation":{"transactionId":"T","status":"PAYED"},"paymentRequest":{"grosAmount":-1}}`,
		"string status":   `{"paymentInformation":{"transactionId":"T","status":1}}`,
	}
	for name, body := range bad {
		t.Run(name, func(t *testing.T) {
			pt, err := DecodeTransaction([]byte(body))
			require.Error(t, err)
			assert.Nil(t, pt)
			assert.True(t, errorsIsAny(err, payprovider.ErrProtocol, paytype.ErrUnknownStatus))
		})
	}
	pt, err := DecodeTransaction([]byte(`{"paymentInformation":{"transactionId":"T","status":"PAYED","transactionTimestamp":"2026-03-01T10:00:00Z"},"paymentRequest":{"requestId":"k","currency":"EUR","grosAmount":45.84}}`))
	require.NoError(t, err)
	assert.Equal(t, paytype.StatusPaid, pt.Status)
	assert.Equal(t, paytype.Amount(4584), pt.Amount)
	assert.True(t, pt.AmountReported)
}

func TestProblemMapping(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		code   string
		want   error
	}{
		{409, CodePaymentExists, payprovider.ErrPaymentExists},
		{400, CodeCalculationError, paytype.ErrCalculation},
		{400, CodeBookingDataMissing, payprovider.ErrBookingDataMissing},
		{404, CodeNoValidOriginatorOrEndpoint, payprovider.ErrUnknownMandant},
		{404, CodeNoValidOriginatorOrDestination, payprovider.ErrUnknownMandant},
		{400, CodeValidationError, payprovider.ErrValidation},
		{403, CodeForbidden, payprovider.ErrForbidden},
		{401, "", payprovider.ErrForbidden},
		{400, CodeUnspecified, payprovider.ErrValidation},
		{500, CodeUnspecified, payprovider.ErrUnavailable},
		{503, "", payprovider.ErrUnavailable},
		{404, "", paystore.ErrNotFound},
		{422, "SOMETHING_NEW", payprovider.ErrValidation},
		{502, "SOMETHING_NEW", payprovider.ErrUnavailable},
	}
	for _, c := range cases {
		body := `{"type":"about:blank","status":` + itoa(c.status) + `,"title":"t","detail":"d","functionalCode":"` + c.code + `"}`
		pe := ProblemError(c.status, []byte(body))
		require.ErrorIs(t, pe, c.want, "%d %s", c.status, c.code)
		assert.Equal(t, c.code, pe.FunctionalCode, "unknown codes are kept verbatim")
		assert.Equal(t, c.status, pe.HTTPStatus)
	}
	pe := ProblemError(502, []byte("<html>bad gateway</html>"))
	require.ErrorIs(t, pe, payprovider.ErrUnavailable)
	long := ProblemError(400, []byte(`{"detail":"`+string(make([]byte, 0))+repeat("x", 5000)+`"}`))
	assert.LessOrEqual(t, len(long.Detail), 2000)
}

func FuzzDecodeTransaction(f *testing.F) {
	f.Add([]byte(`{"paymentInformation":{"transactionId":"T","status":"PAYED"},"paymentRequest":{"grosAmount":45.84}}`))
	f.Add([]byte(`{"paymentInformation":{"transactionId":"T","status":"INITIAL","transactionRedirectUrl":"https://x"}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, err := DecodeTransaction(b)
		if err != nil {
			return
		}
		if !pt.Status.Valid() {
			t.Fatalf("invalid status accepted: %q", pt.Status)
		}
		if pt.AmountReported && pt.Amount < 0 {
			t.Fatal("negative amount accepted")
		}
	})
}

func FuzzProblemError(f *testing.F) {
	f.Add(400, []byte(`{"functionalCode":"PAYMENT_EXISTS"}`))
	f.Add(500, []byte(`garbage`))
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		pe := ProblemError(status, b)
		if pe.Err == nil {
			t.Fatal("no sentinel")
		}
	})
}

// TestDecodeTransactionRefusesTrailingData: the answer is one JSON
// document; anything after it is a protocol error, never ignored.
func TestDecodeTransactionRefusesTrailingData(t *testing.T) {
	ok := `{"paymentInformation":{"transactionId":"T","status":"INITIAL"}}`
	_, err := DecodeTransaction([]byte(ok + "\n"))
	require.NoError(t, err)
	for name, body := range map[string]string{
		"second document": ok + ok,
		"garbage":         ok + "x",
		"html":            ok + "<html>",
	} {
		_, err := DecodeTransaction([]byte(body))
		require.ErrorIs(t, err, payprovider.ErrProtocol, name)
	}
}
