package account_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/egosaar/ozg/account"
)

// FuzzMapAttributes feeds one attribute value to every mapped Name: the
// lenient mapper never fails for optional attributes, reports exactly the
// attributes the strict mapper refuses, and never puts a value into an
// error or into fmt output.
func FuzzMapAttributes(f *testing.F) {
	for _, v := range []string{"1964-08-12", "D", "2", "true", "HOCH", "STORK-QAA-Level-3", "4f0c5b6e-1d2a-4c3b-9e8f-7a6b5c4d3e2f", "", "x@y", "NatPers", "310"} {
		f.Add(v, false)
		f.Add(v, true)
	}
	names := []string{account.AttrBirthdate, account.AttrGender, account.AttrCountry, account.AttrMFA, account.AttrQAALevel,
		account.AttrPostkorbHandle, account.AttrApplicationID, account.AttrMail, account.AttrNationality, account.AttrEIDASIssuingCountry,
		account.MUKPersTyp, account.MUKRechtsform, account.MUKVertrauensniveauIdent}
	f.Fuzz(func(t *testing.T, v string, muk bool) {
		kind := account.ProviderBundID
		if muk {
			kind = account.ProviderMUK
		}
		for _, n := range names {
			attrs := map[string]account.Attribute{n: {Name: n, Values: []string{v}}}
			strict := account.MapAttributes(&account.Identity{Provider: kind}, attrs)
			id := &account.Identity{Provider: kind}
			if err := account.MapAttributesLenient(id, attrs, nil); err != nil {
				t.Fatalf("%s: optional attribute failed the login: %v", n, err)
			}
			if (strict != nil) != (len(id.InvalidAttributes) > 0) {
				t.Fatalf("%s: strict %v, lenient %v", n, strict, id.InvalidAttributes)
			}
			// Short values may occur in the fixed texts (level words, reasons).
			if len(v) >= 12 {
				for _, out := range []string{fmt.Sprint(id.InvalidAttributes), fmt.Sprintf("%+v", id), fmt.Sprintf("%#v", id.Person)} {
					if strings.Contains(out, v) && !strings.Contains(n, v) {
						t.Fatalf("%s: value in output %q", n, out)
					}
				}
			}
			required := account.MapAttributesLenient(&account.Identity{Provider: kind}, attrs, []string{n})
			if (strict != nil) != (required != nil) {
				t.Fatalf("%s: strict %v, required %v", n, strict, required)
			}
		}
	})
}
