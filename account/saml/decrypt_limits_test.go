package saml_test

import (
	"fmt"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
)

// TestEncryptedAssertionLimits: the plaintext of an EncryptedAssertion is
// parsed with the SAML response limits (depth 48, 5,000 elements, 64
// attributes), not the generic parser defaults, although anyone with the
// SP's public encryption certificate can produce it and its signature is
// checked only afterwards.
func TestEncryptedAssertionLimits(t *testing.T) {
	t.Parallel()
	deep := func(n int) func(*etree.Element) {
		return func(a *etree.Element) {
			el := a
			for range n {
				el = el.CreateElement("x")
			}
		}
	}
	wide := func(n int) func(*etree.Element) {
		return func(a *etree.Element) {
			for range n {
				a.CreateElement("x")
			}
		}
	}
	attrs := func(n int) func(*etree.Element) {
		return func(a *etree.Element) {
			x := a.CreateElement("x")
			for i := range n {
				x.CreateAttr(fmt.Sprint("a", i), "v")
			}
		}
	}
	cases := []struct {
		name string
		edit func(*etree.Element)
		want []error
	}{
		{"nesting deeper than 48", deep(60), []error{saml.ErrDecryption, saml.ErrLimit}},
		{"more than 5,000 elements", wide(5100), []error{saml.ErrDecryption, saml.ErrLimit}},
		{"more than 64 attributes on one element", attrs(65), []error{saml.ErrDecryption, saml.ErrLimit}},
		{"within the limits, tampered: the signature check runs", deep(10), []error{saml.ErrSignature}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, accounttest.BundID, nil)
			id, err := e.login(saml.LoginOptions{}, accounttest.Faults{AfterSign: tc.edit})
			require.Error(t, err)
			assert.Nil(t, id)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
			if tc.want[0] == saml.ErrDecryption {
				assert.NotErrorIs(t, err, saml.ErrSignature, "limit must apply before the signature check")
			}
		})
	}
	t.Run("untouched encrypted assertion", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, accounttest.BundID, nil)
		id, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
		require.NoError(t, err)
		assert.Equal(t, "ERIKA", id.Person.GivenNames.Value)
	})
}
