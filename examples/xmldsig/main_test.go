package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/signature/signaturetest"
)

func TestDemo(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), nil, &out))
	assert.Equal(t, "signed by Bauamt Musterstadt with http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\n"+
		"antragsteller: Erika Mustermann\n"+
		"tampered: xmldsig: reference \"\": digest mismatch (digest mismatch: true)\n", out.String())
}

func TestSignVerifyFiles(t *testing.T) {
	ctx := context.Background()
	ca, err := signaturetest.NewCA("File CA", signaturetest.P256)
	require.NoError(t, err)
	kp, err := ca.Issue(signaturetest.Options{Key: signaturetest.RSA2048})
	require.NoError(t, err)
	keyPEM, certPEM, err := signaturetest.EncodePEM(kp)
	require.NoError(t, err)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	key, cert := write("key.pem", keyPEM), write("cert.pem", certPEM)
	caFile := write("ca.pem", signaturetest.CertificatePEM(ca.Certificate))
	in := write("in.xml", []byte(message))

	var signed bytes.Buffer
	require.NoError(t, run(ctx, []string{"sign", "-key", key, "-cert", cert, "-first", in}, &signed))
	signedFile := write("signed.xml", signed.Bytes())
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"verify", "-ca", caFile, signedFile}, &out))
	assert.Contains(t, out.String(), "OK http://www.w3.org/2001/04/xmldsig-more#rsa-sha256 <baugenehmigung.antrag.0200>")

	require.Error(t, run(ctx, []string{"verify", "-pin", caFile, signedFile}, &out), "CA certificate is not the pinned signer")
	require.Error(t, run(ctx, []string{"verify", signedFile}, &out))
	require.Error(t, run(ctx, []string{"nope"}, &out))
}
