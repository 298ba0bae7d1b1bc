package paytype_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paytype"
)

func TestParseEUR(t *testing.T) {
	t.Parallel()
	ok := []struct {
		in   string
		want paytype.Amount
	}{
		{"0", 0}, {"12", 1200}, {"12.3", 1230}, {"12.34", 1234}, {"0.05", 5}, {"999999.00", paytype.MaxAmount},
		{"92233720368547758.07", math.MaxInt64},
	}
	for _, c := range ok {
		t.Run("ok "+c.in, func(t *testing.T) {
			got, err := paytype.ParseEUR(c.in)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
	bad := []string{
		"", "-1", "-0.01", "+1", "1.", ".5", "10.005", "1.234", "1e3", "1E3", "NaN", "nan", "Inf", "-Inf", "+Inf",
		"1,50", "1.000,00", "1 000", " 1", "1 ", "0x10", "١٢", "12.3a", "1..2", "1.2.3", "92233720368547758.08",
		"99999999999999999999", "€1", "1€", "1.-1", "\x00", "1\n",
	}
	for _, in := range bad {
		t.Run("bad "+strconv.Quote(in), func(t *testing.T) {
			got, err := paytype.ParseEUR(in)
			require.ErrorIs(t, err, paytype.ErrInvalidAmount)
			var ae *paytype.AmountError
			require.ErrorAs(t, err, &ae)
			assert.Zero(t, got)
		})
	}
}

// Anti-pattern 9.3 (payment/paymenttest/SOURCES.md): cents by truncation. 10.005 must be refused, not
// become 1000 ct.
func TestParseEURNeverTruncates(t *testing.T) {
	for _, in := range []string{"10.005", "10.009", "0.001", "999999.999"} {
		_, err := paytype.ParseEUR(in)
		require.ErrorIs(t, err, paytype.ErrInvalidAmount, in)
	}
}

func TestAmountString(t *testing.T) {
	t.Parallel()
	cases := map[paytype.Amount]string{0: "0.00", 5: "0.05", 10: "0.10", 1234: "12.34", paytype.MaxAmount: "999999.00",
		-5: "-0.05", math.MinInt64: "-92233720368547758.08", math.MaxInt64: "92233720368547758.07"}
	for a, want := range cases {
		assert.Equal(t, want, a.String())
	}
}

func TestAmountValidateEdges(t *testing.T) {
	t.Parallel()
	require.NoError(t, paytype.Amount(0).Validate())
	require.NoError(t, paytype.MaxAmount.Validate())
	require.ErrorIs(t, (paytype.MaxAmount + 1).Validate(), paytype.ErrInvalidAmount)
	require.ErrorIs(t, paytype.Amount(-1).Validate(), paytype.ErrInvalidAmount)
	require.ErrorIs(t, paytype.Amount(math.MinInt64).Validate(), paytype.ErrInvalidAmount)
}

func TestCurrency(t *testing.T) {
	t.Parallel()
	require.NoError(t, paytype.EUR.Validate())
	for _, c := range []paytype.Currency{"", "eur", "USD", "EURO", "EU", " EUR"} {
		require.ErrorIs(t, c.Validate(), paytype.ErrInvalidCurrency, string(c))
	}
}

func TestTaxRate(t *testing.T) {
	t.Parallel()
	r, err := paytype.ParseTaxRate("19")
	require.NoError(t, err)
	assert.Equal(t, paytype.TaxRate(1900), r)
	assert.Equal(t, "19.00", r.String())
	r, err = paytype.ParseTaxRate("100.00")
	require.NoError(t, err)
	assert.Equal(t, paytype.TaxRate(10000), r)
	for _, in := range []string{"100.01", "101", "-7", "7.125", "abc", ""} {
		_, err := paytype.ParseTaxRate(in)
		require.ErrorIs(t, err, paytype.ErrInvalidRequest, in)
	}
}

func FuzzParseEUR(f *testing.F) {
	for _, s := range []string{"0", "12.34", "10.005", "-1", "NaN", "92233720368547758.07", "1e3", "0.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := paytype.ParseEUR(s)
		if err != nil {
			return
		}
		if a < 0 {
			t.Fatalf("negative amount from %q", s)
		}
		back, err := paytype.ParseEUR(a.String())
		if err != nil || back != a {
			t.Fatalf("round trip %q -> %s -> %v, %v", s, a, back, err)
		}
	})
}
