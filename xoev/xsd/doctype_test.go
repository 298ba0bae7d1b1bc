package xsd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// W3C's xmldsig-core-schema.xsd declares entities in a DOCTYPE (see
// testdata/xmldsig/SOURCES.md): schema files may, instance documents may
// not.
const dsigInstance = `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<ds:Reference URI=""><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo>
<ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>`

func TestSchemaWithDoctype(t *testing.T) {
	t.Parallel()
	dir := "testdata/xmldsig"
	s, err := Compile(os.DirFS(dir), "xmldsig-core-schema.xsd", Config{})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, s.ValidateBytes(ctx, []byte(dsigInstance)))
	bad := []byte(`<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>`)
	require.ErrorIs(t, s.ValidateBytes(ctx, bad), ErrInvalid)

	// Messages stay DOCTYPE-free, even with the same internal subset.
	withDoctype := []byte(`<!DOCTYPE ds:Signature [<!ENTITY dsig 'http://www.w3.org/2000/09/xmldsig#'>]>` + dsigInstance)
	require.ErrorIs(t, s.ValidateBytes(ctx, withDoctype), ErrDoctype)

	// A schema file with an external entity is still refused.
	ext := fstest.MapFS{"s.xsd": {Data: []byte(`<!DOCTYPE xs:schema [<!ENTITY e SYSTEM "file:///etc/passwd">]><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>`)}}
	_, err = Compile(ext, "s.xsd", Config{})
	require.ErrorIs(t, err, ErrSchema)

	// xmllint gives the same verdicts on the same files.
	xmllint := xmllintPath(t)
	tmp := t.TempDir()
	for _, c := range []struct {
		doc   []byte
		valid bool
	}{{[]byte(dsigInstance), true}, {bad, false}} {
		p := filepath.Join(tmp, "d.xml")
		require.NoError(t, os.WriteFile(p, c.doc, 0o600))
		out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join(dir, "xmldsig-core-schema.xsd"), p).CombinedOutput()
		assert.Equal(t, c.valid, err == nil, "%s", out)
	}
}
