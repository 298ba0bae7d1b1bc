package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// TestRejectsInvalidContent runs the program against the simulator with
// two submissions the authority must reject: an unsigned message and a
// signed one that is no XBau message. Both are rejected with a problem,
// and the sender reads the rejection from the event log.
func TestRejectsInvalidContent(t *testing.T) {
	ctx := context.Background()
	sim := fitconnecttest.Start(t)
	sender, err := fitconnect.New(sim.Config())
	require.NoError(t, err)

	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "Online-Dienst (Test)"})
	require.NoError(t, err)
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: kp})
	require.NoError(t, err)
	signed, err := signer.Sign([]byte(`<antrag xmlns="urn:example">kein XBau</antrag>`))
	require.NoError(t, err)

	var sent []*fitconnect.SentSubmission
	for _, data := range [][]byte{[]byte(`<antrag>unsigniert</antrag>`), signed} {
		s, err := sender.Send(ctx, fitconnect.Submission{
			DestinationID: fitconnecttest.DestinationID, ServiceName: fitconnecttest.ServiceName,
			ServiceIdentifier: fitconnecttest.ServiceIdentifier, DataSchemaURI: fitconnecttest.DataSchemaURI,
			DataMimeType: "application/xml", Data: data,
			Attachments: []fitconnect.Attachment{{Content: []byte("%PDF-1.4"), MimeType: "application/pdf"}},
		})
		require.NoError(t, err)
		sent = append(sent, s)
	}

	dir := t.TempDir()
	dec, sig, err := sim.SubscriberPEM()
	require.NoError(t, err)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o600))
		return p
	}
	o := options{
		TokenURL: sim.URL + "/token", SubmissionAPI: sim.URL + "/submission-api", Destination: fitconnecttest.DestinationID,
		DecryptionKey: write("enc.pem", dec), DecryptionKID: fitconnecttest.EncryptionKeyID,
		SigningKey: write("sig.pem", sig), SigningKID: fitconnecttest.SignatureKeyID,
		Trust:    write("trust.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: kp.Certificate.Raw})),
		DB:       filepath.Join(dir, "behoerde.db"),
		ClientID: fitconnecttest.ClientID, ClientSecret: fitconnecttest.ClientSecret,
		TestKeys: true, InsecureDevelopment: true,
	}
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, o), out.String())
	assert.Contains(t, out.String(), "2 Einreichung(en) verarbeitet")
	assert.NotContains(t, out.String(), "→ accepted")
	for _, s := range sent {
		st, err := sender.Status(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, "rejected", st.State)
		require.NotEmpty(t, st.Events)
		last := st.Events[len(st.Events)-1]
		require.Len(t, last.Problems, 1)
		assert.Equal(t, "data", last.Problems[0].Instance)
	}
	// A second run finds nothing left and starts nothing twice.
	out.Reset()
	require.NoError(t, run(ctx, &out, o))
	assert.Contains(t, out.String(), "0 Einreichung(en) verarbeitet")
	require.Error(t, run(ctx, &out, options{}))
}
