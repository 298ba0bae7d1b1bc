package oidc

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/egosaar/ozg/account"
)

// StandardClaims maps the standard claims of OIDC Core 1.0 §5.1 to
// id.Person: given_name, family_name, birthdate (YYYY-MM-DD; a year of
// 0000, "year omitted", is not mapped), gender ("male"/"female"),
// email (only with email_verified true), phone_number (only with
// phone_number_verified true) and address (street_address, postal_code,
// locality, country as ISO 3166-1 alpha-2). Claim levels are
// LevelUnknown: OIDC states no per-claim trust. Every string claim is
// also kept in id.Attributes under its claim name. Person stays nil when
// none of the mapped claims is present.
//
// No state account publishes its claim set; this mapping was checked end
// to end against oidc-provider 9.13.3 only (Keycloak's default mappers
// emit the same standard claim names, but no Keycloak was run). Map a
// provider's own claims with Config.Claims, which runs after this
// function.
func StandardClaims(claims map[string]any, id *account.Identity) error {
	if id.Attributes == nil {
		id.Attributes = map[string]account.Attribute{}
	}
	for k, v := range claims {
		if s, ok := v.(string); ok {
			id.Attributes[k] = account.Attribute{Name: k, Values: []string{s}}
		}
	}
	var p account.Person
	set := false
	str := func(name string) account.Claim[string] {
		if s, ok := claims[name].(string); ok && s != "" {
			set = true
			return account.Claim[string]{Value: s, Set: true}
		}
		return account.Claim[string]{}
	}
	p.GivenNames = str("given_name")
	p.FamilyName = str("family_name")
	if b, ok := claims["email_verified"].(bool); ok && b {
		p.Email = str("email")
	}
	if b, ok := claims["phone_number_verified"].(bool); ok && b {
		p.Phone = str("phone_number")
	}
	if s, ok := claims["birthdate"].(string); ok && s != "" {
		t, err := time.Parse(time.DateOnly, s)
		switch {
		case strings.HasPrefix(s, "0000-"):
		case err != nil:
			return &account.AttributeError{Name: "birthdate", Reason: "not YYYY-MM-DD"}
		default:
			set = true
			p.BirthDate = account.Claim[account.Date]{Value: account.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, Set: true}
		}
	}
	switch claims["gender"] {
	case "male":
		set, p.Gender = true, account.Claim[account.Gender]{Value: account.GenderMale, Set: true}
	case "female":
		set, p.Gender = true, account.Claim[account.Gender]{Value: account.GenderFemale, Set: true}
	}
	if a, ok := claims["address"].(map[string]any); ok {
		sub := func(name string) account.Claim[string] {
			if s, ok := a[name].(string); ok && s != "" {
				set = true
				return account.Claim[string]{Value: s, Set: true}
			}
			return account.Claim[string]{}
		}
		p.Address.Street = sub("street_address")
		p.Address.PostalCode = sub("postal_code")
		p.Address.Locality = sub("locality")
		if c := sub("country"); c.Set {
			if len(c.Value) != 2 || strings.ToUpper(c.Value) != c.Value {
				return &account.AttributeError{Name: "address.country", Reason: "not ISO 3166-1 alpha-2"}
			}
			p.Address.Country = c
		}
	}
	if set {
		id.Person = &p
	}
	return nil
}

// ClaimString returns a string claim of a claims map ("" if absent or not
// a string); a helper for Config.Claims.
func ClaimString(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return s
}

// ClaimLevel maps a string claim through levels (e.g. a provider's own
// trust-level claim); it fails with a *account.LevelError for values not
// in levels.
func ClaimLevel(claims map[string]any, name string, levels map[string]account.Level) (account.Level, error) {
	v, ok := claims[name]
	if !ok {
		return account.LevelUnknown, nil
	}
	var s string
	switch t := v.(type) {
	case string:
		s = t
	case json.Number:
		s = t.String()
	case float64:
		s = fmt.Sprint(t)
	}
	if l, ok := levels[s]; ok {
		return l, nil
	}
	return account.LevelUnknown, &account.LevelError{Input: s}
}
