package xmlenc_test

import (
	"crypto/rsa"
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/xmlenc"
)

// TestDecryptElementLimits: the structure limits of DecrypterConfig bound
// the parse of the decrypted element (which happens before any signature
// over it can be checked).
func TestDecryptElementLimits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	enc, err := xmlenc.NewEncrypter(xmlenc.EncrypterConfig{Recipient: f.kp.Certificate})
	require.NoError(t, err)
	// nested returns an element of the given depth (the root is depth 1).
	nested := func(depth int) string {
		return strings.Repeat("<d>", depth) + strings.Repeat("</d>", depth)
	}
	// flat returns a root with n-1 children: n elements.
	flat := func(n int) string { return "<r>" + strings.Repeat("<c/>", n-1) + "</r>" }
	// attrs returns an element with n attributes.
	attrs := func(n int) string {
		var b strings.Builder
		b.WriteString("<a")
		for i := range n {
			fmt.Fprintf(&b, ` x%d="v"`, i)
		}
		b.WriteString("/>")
		return b.String()
	}
	saml := xmlenc.DecrypterConfig{MaxDepth: 48, MaxElements: 5000, MaxAttributes: 64}
	cases := []struct {
		name  string
		cfg   xmlenc.DecrypterConfig
		plain string
		ok    bool
	}{
		{"depth over MaxDepth", saml, nested(49), false},
		{"elements over MaxElements", saml, flat(5001), false},
		{"attributes over MaxAttributes", saml, attrs(65), false},
		{"depth over the default", xmlenc.DecrypterConfig{}, nested(257), false},
		{"attributes over the default", xmlenc.DecrypterConfig{}, attrs(257), false},
		{"only depth set: depth still bounded", xmlenc.DecrypterConfig{MaxDepth: 2}, nested(3), false},
		{"depth at MaxDepth", saml, nested(48), true},
		{"elements at MaxElements", saml, flat(5000), true},
		{"attributes at MaxAttributes", saml, attrs(64), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := etree.NewDocument()
			require.NoError(t, doc.ReadFromString(tc.plain))
			res, err := enc.Encrypt(doc.Root())
			require.NoError(t, err)
			el, err := f.decrypter(t, tc.cfg).DecryptElement(res.EncryptedData)
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, doc.Root().Tag, el.Tag)
				return
			}
			require.ErrorIs(t, err, xmlenc.ErrLimit)
		})
	}
}

func TestDecrypterLimitConfig(t *testing.T) {
	t.Parallel()
	key := newFixture(t).kp.Signer.(*rsa.PrivateKey)
	for name, cfg := range map[string]xmlenc.DecrypterConfig{
		"negative MaxDepth":      {Key: key, MaxDepth: -1},
		"negative MaxElements":   {Key: key, MaxElements: -1},
		"negative MaxAttributes": {Key: key, MaxAttributes: -1},
	} {
		_, err := xmlenc.NewDecrypter(cfg)
		require.ErrorIs(t, err, xmlenc.ErrInvalidConfig, name)
	}
}
