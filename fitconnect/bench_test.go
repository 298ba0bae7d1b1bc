package fitconnect_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
	"github.com/egosaar/ozg/signature/jose"
)

// BenchmarkSubmission compares a whole Client.Send (two 256 KiB
// attachments) against the simulator with bare net/http sending the same
// requests with pre-built bytes, in the same run. The crypto of Send
// (encrypting the four parts) is measured on its own; ratio-protocol is
// (Send − crypto) ÷ bare.
func BenchmarkSubmission(b *testing.B) {
	sim := fitconnecttest.Start(b)
	c := newClient(b, sim)
	ctx := context.Background()
	sub := bauantrag()
	for i := range sub.Attachments {
		sub.Attachments[i].Content = bytes.Repeat([]byte{byte(i)}, 256<<10)
	}
	if _, err := c.Send(ctx, sub); err != nil { // warm token and connections
		b.Fatal(err)
	}
	base := sim.URL + "/submission-api/v2"
	hc := &http.Client{}
	tok := bareToken(b, hc, sim.URL+"/token")
	var keyJSON json.RawMessage
	bareDo(b, hc, tok, http.MethodGet, base+"/destinations/"+fitconnecttest.DestinationID+"/keys/"+fitconnecttest.EncryptionKeyID, "", nil, &keyJSON)
	key, err := jwk.ParseKey(keyJSON)
	if err != nil {
		b.Fatal(err)
	}
	var pub rsa.PublicKey
	if err := key.Raw(&pub); err != nil {
		b.Fatal(err)
	}
	encrypt := func(p []byte, cty string) string {
		s, err := jose.Encrypt(p, &pub, jose.EncryptOptions{KeyID: fitconnecttest.EncryptionKeyID, ContentType: cty})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	md := []byte(`{"contentStructure":{"attachments":[]}}`)
	cryptoOp := func() {
		encrypt(md, "application/json")
		encrypt(sub.Data, "application/xml")
		for _, a := range sub.Attachments {
			encrypt(a.Content, a.MimeType)
		}
	}
	ids := []string{uuid.NewString(), uuid.NewString()}
	atts := []string{encrypt(sub.Attachments[0].Content, "application/pdf"), encrypt(sub.Attachments[1].Content, "application/pdf")}
	announce, _ := json.Marshal(map[string]any{"destinationId": fitconnecttest.DestinationID, "announcedAttachments": ids,
		"publicService": map[string]string{"name": fitconnecttest.ServiceName, "identifier": fitconnecttest.ServiceIdentifier}})
	final, _ := json.Marshal(map[string]string{"encryptedMetadata": encrypt(md, "application/json"), "encryptedData": encrypt(sub.Data, "application/xml")})
	bareOp := func() {
		bareDo(b, hc, tok, http.MethodGet, base+"/destinations/"+fitconnecttest.DestinationID, "", nil, nil)
		bareDo(b, hc, tok, http.MethodGet, base+"/destinations/"+fitconnecttest.DestinationID+"/keys/"+fitconnecttest.EncryptionKeyID, "", nil, nil)
		var a struct{ SubmissionID string }
		bareDo(b, hc, tok, http.MethodPost, base+"/submissions", "application/json", announce, &a)
		for i, id := range ids {
			bareDo(b, hc, tok, http.MethodPut, base+"/submissions/"+a.SubmissionID+"/attachments/"+id, "application/jose", []byte(atts[i]), nil)
		}
		bareDo(b, hc, tok, http.MethodPut, base+"/submissions/"+a.SubmissionID, "application/json", final, nil)
	}
	oursOp := func() {
		if _, err := c.Send(ctx, sub); err != nil {
			b.Fatal(err)
		}
	}
	var tBare, tCrypto, tOurs time.Duration
	b.ResetTimer()
	for range b.N {
		t1 := time.Now()
		bareOp()
		t2 := time.Now()
		cryptoOp()
		t3 := time.Now()
		oursOp()
		tBare += t2.Sub(t1)
		tCrypto += t3.Sub(t2)
		tOurs += time.Since(t3)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tOurs)/n, "ours-ns/op")
	b.ReportMetric(float64(tBare)/n, "bare-ns/op")
	b.ReportMetric(float64(tCrypto)/n, "crypto-ns/op")
	b.ReportMetric(float64(tOurs-tCrypto)/float64(tBare), "ratio-protocol")
}

func bareToken(b *testing.B, hc *http.Client, tokenURL string) string {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {fitconnecttest.ClientID}, "client_secret": {fitconnecttest.ClientSecret}}
	resp, err := hc.Post(tokenURL, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil {
		b.Fatal(err)
	}
	return t.AccessToken
}

func bareDo(b *testing.B, hc *http.Client, tok, method, u, ct string, body []byte, out any) {
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b.Fatalf("%s %s: %d", method, u, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			b.Fatal(err)
		}
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
}
