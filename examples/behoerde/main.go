// Command behoerde is the building authority's side of FIT-Connect: it
// fetches the submissions waiting at its destination, lets package
// fitconnect decrypt and check them, verifies the XBau message's XML
// signature against the online service's certificate, validates the
// signed content (XBau 2.6 XSD, XÖV header rules) and accepts — or
// rejects with a problem — exactly once per submission (package amt).
//
// It runs against a Zustelldienst given by flags:
//
//	go run ./examples/behoerde -token-url https://auth-testing.fit-connect.fitko.dev/token \
//	  -submission-api https://test.fit-connect.fitko.dev/submission-api \
//	  -destination <uuid> -decryption-key enc.pem -decryption-kid <kid> \
//	  -signing-key sig.pem -signing-kid <kid> -trust onlinedienst.pem -test-keys
//
// with FITCONNECT_CLIENT_ID and FITCONNECT_CLIENT_SECRET in the
// environment. The complete round trip with the online service runs in
// examples/bauantrag (the authority in-process, the Zustelldienst
// simulated by fitconnecttest).
package main

import (
	"context"
	"crypto"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/egosaar/ozg/examples/behoerde/amt"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/jose"
)

type options struct {
	TokenURL, SubmissionAPI, Destination string
	DecryptionKey, DecryptionKID         string
	SigningKey, SigningKID, Trust, DB    string
	ClientID, ClientSecret               string
	TestKeys, InsecureDevelopment        bool
}

func main() {
	var o options
	flag.StringVar(&o.TokenURL, "token-url", fitconnect.TEST.TokenURL, "OAuth token endpoint")
	flag.StringVar(&o.SubmissionAPI, "submission-api", fitconnect.TEST.SubmissionAPI, "Submission API base URL")
	flag.StringVar(&o.Destination, "destination", "", "destination ID (UUID)")
	flag.StringVar(&o.DecryptionKey, "decryption-key", "", "PEM private key for JWE decryption (RSA 4096)")
	flag.StringVar(&o.DecryptionKID, "decryption-kid", "", "kid of the decryption key")
	flag.StringVar(&o.SigningKey, "signing-key", "", "PEM private key for accept/reject SETs (RSA 4096)")
	flag.StringVar(&o.SigningKID, "signing-kid", "", "kid of the signing key")
	flag.StringVar(&o.Trust, "trust", "", "PEM certificate(s) of the online services whose XML signatures are accepted")
	flag.StringVar(&o.DB, "db", "behoerde.db", "SQLite file recording processed submissions")
	flag.BoolVar(&o.TestKeys, "test-keys", false, "accept self-signed destination keys (FIT-Connect TEST environment only)")
	flag.Parse()
	o.ClientID, o.ClientSecret = os.Getenv("FITCONNECT_CLIENT_ID"), os.Getenv("FITCONNECT_CLIENT_SECRET")
	if err := run(context.Background(), os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "behoerde:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, o options) error {
	if o.Destination == "" || o.DecryptionKey == "" || o.SigningKey == "" || o.Trust == "" {
		return errors.New("-destination, -decryption-key, -signing-key and -trust are required")
	}
	dec, err := loadKey(o.DecryptionKey)
	if err != nil {
		return err
	}
	decrypter, ok := dec.(crypto.Decrypter)
	if !ok {
		return errors.New("decryption key cannot decrypt")
	}
	sig, err := loadKey(o.SigningKey)
	if err != nil {
		return err
	}
	certPEM, err := os.ReadFile(o.Trust)
	if err != nil {
		return err
	}
	certs, err := signature.ParseCertificatesPEM(certPEM)
	if err != nil {
		return err
	}
	trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: certs})
	if err != nil {
		return err
	}
	client, err := fitconnect.New(fitconnect.Config{
		Environment: fitconnect.Environment{Name: "behoerde", TokenURL: o.TokenURL, SubmissionAPI: o.SubmissionAPI},
		ClientID:    o.ClientID, ClientSecret: o.ClientSecret,
		InsecureTestKeys: o.TestKeys, InsecureDevelopment: o.InsecureDevelopment,
		DecryptionKeys: []jose.DecryptionKey{{KeyID: o.DecryptionKID, Key: decrypter}},
		SigningKey:     sig, SigningKeyID: o.SigningKID,
	})
	if err != nil {
		return err
	}
	store, err := fitconnect.OpenSQLite(ctx, o.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	a, err := amt.New(amt.Config{Client: client, Store: store, DestinationID: o.Destination, Trust: trust,
		Say: func(format string, args ...any) { fmt.Fprintf(w, "  ✓ "+format+"\n", args...) }})
	if err != nil {
		return err
	}
	got, err := a.Poll(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d Einreichung(en) verarbeitet\n", len(got))
	return nil
}

func loadKey(path string) (crypto.Signer, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	kp, err := signature.LoadPEM(raw, raw)
	if err == nil {
		return kp.Signer, nil
	}
	return nil, fmt.Errorf("%s: key and certificate PEM expected: %w", path, err)
}
