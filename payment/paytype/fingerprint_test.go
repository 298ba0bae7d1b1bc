package paytype_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/paytype"
)

// fullRequest sets every field of a CreateRequest, optional parts
// included.
func fullRequest() *paytype.CreateRequest {
	r := paymenttest.ValidRequest("k-1")
	r.Items[0].Booking.Extra = map[string]string{"mandant": "0815", "kostenstelle": "42"}
	r.Requestor = &paytype.Requestor{Name: "Mustermann", FirstName: "Erika", Gender: "F", IsOrganization: true, OrganizationName: "Muster GmbH",
		Address: &paytype.Address{Street: "Hauptstr", HouseNumber: "1a", AddressLine: []string{"c/o Muster", "Hinterhaus"}, PostalCode: "66111", City: "Saarbruecken", Country: "DE"}}
	return r
}

// getter finds a part of a request.
type getter func(*paytype.CreateRequest) reflect.Value

// mutations returns, for every leaf of v's type reachable from v (struct
// fields, slice elements, map entries, optional pointers), changes that
// make a different request. A field added to CreateRequest is found here
// without touching the test.
func mutations(get getter, v reflect.Value, path string, out map[string]func(*paytype.CreateRequest)) {
	on := func(f func(reflect.Value)) func(*paytype.CreateRequest) {
		return func(r *paytype.CreateRequest) { f(get(r)) }
	}
	switch v.Kind() {
	case reflect.Pointer:
		out[path+"=nil"] = on(func(x reflect.Value) { x.Set(reflect.Zero(x.Type())) })
		if !v.IsNil() {
			mutations(func(r *paytype.CreateRequest) reflect.Value { return get(r).Elem() }, v.Elem(), path, out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			mutations(func(r *paytype.CreateRequest) reflect.Value { return get(r).Field(i) }, v.Field(i), path+"."+v.Type().Field(i).Name, out)
		}
	case reflect.Slice:
		out[path+"+1"] = on(func(x reflect.Value) { x.Set(reflect.Append(x, reflect.Zero(x.Type().Elem()))) })
		if v.Len() > 0 {
			out[path+"-1"] = on(func(x reflect.Value) { x.Set(x.Slice(0, x.Len()-1)) })
		}
		for i := range v.Len() {
			mutations(func(r *paytype.CreateRequest) reflect.Value { return get(r).Index(i) }, v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		out[path+"+entry"] = on(func(x reflect.Value) {
			if x.IsNil() {
				x.Set(reflect.MakeMap(x.Type()))
			}
			x.SetMapIndex(reflect.ValueOf("neu"), reflect.ValueOf("1"))
		})
		for _, k := range v.MapKeys() {
			out[path+"["+k.String()+"]=value"] = on(func(x reflect.Value) { x.SetMapIndex(k, reflect.ValueOf(x.MapIndex(k).String()+"x")) })
			out[path+"["+k.String()+"]=key"] = on(func(x reflect.Value) {
				val := x.MapIndex(k)
				x.SetMapIndex(k, reflect.Value{})
				x.SetMapIndex(reflect.ValueOf(k.String()+"x"), val)
			})
		}
	case reflect.String:
		out[path] = on(func(x reflect.Value) { x.SetString(x.String() + "x") })
	case reflect.Int, reflect.Int64:
		out[path] = on(func(x reflect.Value) { x.SetInt(x.Int() + 1) })
	case reflect.Bool:
		out[path] = on(func(x reflect.Value) { x.SetBool(!x.Bool()) })
	default:
		panic("fingerprint test: unhandled kind " + v.Kind().String() + " at " + path)
	}
}

// TestFingerprintCoversEveryField: changing any single field, element or
// entry of a request changes its fingerprint. Fails when a field is left
// out of the canonical form.
func TestFingerprintCoversEveryField(t *testing.T) {
	base := fullRequest().Fingerprint()
	muts := map[string]func(*paytype.CreateRequest){}
	mutations(func(r *paytype.CreateRequest) reflect.Value { return reflect.ValueOf(r).Elem() }, reflect.ValueOf(fullRequest()).Elem(), "", muts)
	require.GreaterOrEqual(t, len(muts), 60, "the walk must reach the nested fields")
	for path, mutate := range muts {
		t.Run(path, func(t *testing.T) {
			r := fullRequest()
			mutate(r)
			assert.NotEqual(t, base, r.Fingerprint())
		})
	}
}

// TestFingerprintNoShift: values moved between neighbouring fields,
// entries or elements give different fingerprints (an unseparated hash
// input would not tell them apart).
func TestFingerprintNoShift(t *testing.T) {
	for name, pair := range map[string][2]func(*paytype.CreateRequest){
		"purpose/description": {
			func(r *paytype.CreateRequest) { r.Purpose, r.Description = "Gebuehr A", "B" },
			func(r *paytype.CreateRequest) { r.Purpose, r.Description = "Gebuehr ", "AB" },
		},
		"key/currency": {
			func(r *paytype.CreateRequest) { r.IdempotencyKey, r.Currency = "k-1E", "UR" },
			func(r *paytype.CreateRequest) { r.IdempotencyKey, r.Currency = "k-1", "EUR" },
		},
		"extra key/value": {
			func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"ab": "c"} },
			func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"a": "bc"} },
		},
		"extra entries": {
			func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"a": "b", "c": "d"} },
			func(r *paytype.CreateRequest) { r.Items[0].Booking.Extra = map[string]string{"a": "bcd"} },
		},
		"address lines": {
			func(r *paytype.CreateRequest) { r.Requestor.Address.AddressLine = []string{"ab"} },
			func(r *paytype.CreateRequest) { r.Requestor.Address.AddressLine = []string{"a", "b"} },
		},
		"booking fields": {
			func(r *paytype.CreateRequest) {
				r.Items[0].Booking.Kassenzeichen, r.Items[0].Booking.Haushaltsstelle = "42001", "1.1"
			},
			func(r *paytype.CreateRequest) {
				r.Items[0].Booking.Kassenzeichen, r.Items[0].Booking.Haushaltsstelle = "4200", "11.1"
			},
		},
		"requestor absent or empty": {
			func(r *paytype.CreateRequest) { r.Requestor = nil },
			func(r *paytype.CreateRequest) { r.Requestor = &paytype.Requestor{} },
		},
		"address absent or empty": {
			func(r *paytype.CreateRequest) { r.Requestor.Address = nil },
			func(r *paytype.CreateRequest) { r.Requestor.Address = &paytype.Address{} },
		},
		"items split": {
			func(r *paytype.CreateRequest) { r.Items = r.Items[:1] },
			func(r *paytype.CreateRequest) {
				r.Items = r.Items[:1]
				r.Items[0].Description += "pos-2"
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			a, b := fullRequest(), fullRequest()
			pair[0](a)
			pair[1](b)
			assert.NotEqual(t, a.Fingerprint(), b.Fingerprint())
		})
	}
}

func TestFingerprintStable(t *testing.T) {
	a, b := paymenttest.ValidRequest("k"), paymenttest.ValidRequest("k")
	a.Items[0].Booking.Extra = map[string]string{"x": "1", "y": "2", "z": "3"}
	b.Items[0].Booking.Extra = map[string]string{"z": "3", "y": "2", "x": "1"}
	assert.Equal(t, a.Fingerprint(), b.Fingerprint())
	b.Items[0].Booking.Extra["z"] = "4"
	assert.NotEqual(t, a.Fingerprint(), b.Fingerprint())

	// nil and empty are the same request.
	c := paymenttest.ValidRequest("k")
	c.Items[0].Booking.Extra = map[string]string{}
	assert.Equal(t, paymenttest.ValidRequest("k").Fingerprint(), c.Fingerprint())

	// Stored fingerprints must not change between versions: a changed
	// encoding turns every repeated Create into ErrIdempotencyConflict.
	assert.Equal(t, "v2:3394181fbf3d6b22ee08c15fcdccc5edfe8c9ec334e93c0152fbe5bcc56ffdc2", paymenttest.ValidRequest("k").Fingerprint())
}

// TestMatchesFingerprint: the current form and the JSON form stored by
// earlier versions match; anything else does not.
func TestMatchesFingerprint(t *testing.T) {
	r := fullRequest()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	legacy := hex.EncodeToString(sum[:])
	assert.True(t, r.MatchesFingerprint(r.Fingerprint()))
	assert.True(t, r.MatchesFingerprint(legacy))
	other := fullRequest()
	other.Total++
	for name, fp := range map[string]string{
		"empty":                "",
		"other request":        other.Fingerprint(),
		"other request legacy": func() string { b, _ := json.Marshal(other); s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }(),
		"legacy upper case":    strings.ToUpper(legacy),
		"prefix only":          "v2:",
		"prefixed legacy":      "v2:" + legacy,
		"garbage":              "not a fingerprint",
	} {
		assert.False(t, r.MatchesFingerprint(fp), name)
	}
}

func BenchmarkFingerprint(b *testing.B) {
	r := fullRequest()
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Fingerprint()
	}
}

// BenchmarkFingerprintJSON is the JSON form of earlier versions (through
// MatchesFingerprint with a stored JSON fingerprint), the anchor of
// BenchmarkFingerprint.
func BenchmarkFingerprintJSON(b *testing.B) {
	r := fullRequest()
	js, err := json.Marshal(r)
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(js)
	legacy := hex.EncodeToString(sum[:])
	b.ReportAllocs()
	for b.Loop() {
		if !r.MatchesFingerprint(legacy) {
			b.Fatal("legacy fingerprint does not match")
		}
	}
}
