package main

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultTenants(t *testing.T) {
	ts, err := LoadTenants(defaultTenants)
	require.NoError(t, err)
	require.Len(t, ts, 3)
	assert.Equal(t, "10041100", ts[0].AGS())
	for _, tn := range ts {
		assert.Len(t, tn.Services, 2, tn.Name)
	}
}

// TestLoadTenantsRefuses changes one field of a valid table at a time;
// each bad table is refused with a *TenantError naming the field.
func TestLoadTenantsRefuses(t *testing.T) {
	cases := []struct {
		name, field string
		edit        func(ts []Tenant) []Tenant
	}{
		{"ars 11 digits", "ars", func(ts []Tenant) []Tenant { ts[0].ARS = "10041010010"; return ts }},
		{"ars letters", "ars", func(ts []Tenant) []Tenant { ts[0].ARS = "10041010010x"; return ts }},
		{"ars land 17", "ars", func(ts []Tenant) []Tenant { ts[0].ARS = "170410100100"; return ts }},
		{"ars land 00", "ars", func(ts []Tenant) []Tenant { ts[0].ARS = "000410100100"; return ts }},
		{"duplicate ars", "ars", func(ts []Tenant) []Tenant { ts[1].ARS = ts[0].ARS; return ts }},
		{"duplicate slug", "slug", func(ts []Tenant) []Tenant { ts[1].Slug = ts[0].Slug; return ts }},
		{"duplicate endpoint", "mandant.endpointId", func(ts []Tenant) []Tenant { ts[2].Mandant.EndpointID = ts[0].Mandant.EndpointID; return ts }},
		{"duplicate kassenzeichen range", "mandant.kassenzeichenPrefix", func(ts []Tenant) []Tenant {
			ts[2].Mandant.KassenzeichenPrefix = ts[1].Mandant.KassenzeichenPrefix
			return ts
		}},
		{"empty name", "name", func(ts []Tenant) []Tenant { ts[0].Name = ""; return ts }},
		{"slug upper", "slug", func(ts []Tenant) []Tenant { ts[0].Slug = "Homburg"; return ts }},
		{"originator", "mandant.originatorId", func(ts []Tenant) []Tenant { ts[0].Mandant.OriginatorID = "a b"; return ts }},
		{"endpoint empty", "mandant.endpointId", func(ts []Tenant) []Tenant { ts[0].Mandant.EndpointID = ""; return ts }},
		{"kz prefix", "mandant.kassenzeichenPrefix", func(ts []Tenant) []Tenant { ts[0].Mandant.KassenzeichenPrefix = "61a0"; return ts }},
		{"no kassenzeichen key", "mandant.bookingKeys", func(ts []Tenant) []Tenant { ts[0].Mandant.BookingKeys = []string{"haushaltsstelle"}; return ts }},
		{"unknown booking key", "mandant.bookingKeys", func(ts []Tenant) []Tenant {
			ts[0].Mandant.BookingKeys = append(ts[0].Mandant.BookingKeys, "iban")
			return ts
		}},
		{"from with name", "sender.emailFrom", func(ts []Tenant) []Tenant { ts[0].Sender.EmailFrom = "Stadt <a@b.example>"; return ts }},
		{"from header injection", "sender.emailFrom", func(ts []Tenant) []Tenant { ts[0].Sender.EmailFrom = "a@b.example\r\nBcc: x@y.example"; return ts }},
		{"postfach sender empty", "sender.postfachSender", func(ts []Tenant) []Tenant { ts[0].Sender.PostfachSender = ""; return ts }},
		{"kennung", "authority.kennung", func(ts []Tenant) []Tenant { ts[0].Authority.Kennung = "10041100"; return ts }},
		{"no services", "services", func(ts []Tenant) []Tenant { ts[0].Services = nil; return ts }},
		{"leika short", "services[0].leika", func(ts []Tenant) []Tenant { ts[0].Services[0].Leika = "9901000300100"; return ts }},
		{"leika twice", "services[1].leika", func(ts []Tenant) []Tenant { ts[0].Services[1].Leika = ts[0].Services[0].Leika; return ts }},
		{"message root", "services[0].message", func(ts []Tenant) []Tenant { ts[0].Services[0].Message = "Baugenehmigung"; return ts }},
		{"fee zero", "services[0].feeCents", func(ts []Tenant) []Tenant { ts[0].Services[0].Fee = 0; return ts }},
		{"fee negative", "services[0].feeCents", func(ts []Tenant) []Tenant { ts[0].Services[0].Fee = -1; return ts }},
		{"buchungstext long", "services[0].buchungstext", func(ts []Tenant) []Tenant {
			ts[0].Services[0].Buchungstext = "Baugenehmigung Wohngebaeude 1"
			return ts
		}},
		{"haushaltsstelle missing", "services[1].haushaltsstelle", func(ts []Tenant) []Tenant { ts[0].Services[1].Haushaltsstelle = ""; return ts }},
		{"objektnummer missing", "services[0].objektnummer", func(ts []Tenant) []Tenant { ts[2].Services[0].Objektnummer = ""; return ts }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts, err := LoadTenants(defaultTenants)
			require.NoError(t, err)
			data, err := json.Marshal(c.edit(ts))
			require.NoError(t, err)
			got, err := LoadTenants(data)
			require.ErrorIs(t, err, ErrInvalidTenant)
			assert.Nil(t, got)
			var te *TenantError
			require.True(t, errors.As(err, &te))
			assert.Equal(t, c.field, te.Field)
		})
	}
}

func TestLoadTenantsRefusesJSON(t *testing.T) {
	for _, in := range []string{``, `{}`, `[]`, `null`, `[{"name":"X","unknown":1}]`, `[1]`} {
		_, err := LoadTenants([]byte(in))
		assert.ErrorIs(t, err, ErrInvalidTenant, in)
	}
}

// FuzzLoadTenants: any input is either refused with a *TenantError or
// yields tenants that each validate again.
func FuzzLoadTenants(f *testing.F) {
	f.Add(defaultTenants)
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"ars":"100410100100"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := LoadTenants(data)
		if err != nil {
			var te *TenantError
			require.ErrorAs(t, err, &te)
			require.Nil(t, ts)
			return
		}
		for i := range ts {
			require.NoError(t, ts[i].Validate())
		}
	})
}
