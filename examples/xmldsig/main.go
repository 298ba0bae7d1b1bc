// Command xmldsig signs and verifies enveloped XML signatures with
// github.com/egosaar/ozg/signature/xmldsig.
//
//	xmldsig demo
//	xmldsig sign   -key key.pem -cert cert.pem [-method URI] [-first] in.xml > signed.xml
//	xmldsig verify (-ca ca.pem | -pin cert.pem) in.xml
//
// demo (the default) creates a throw-away CA and authority key, signs a
// small XÖV message, verifies it and shows that a changed byte fails.
// sign and verify work on files and serve as the Go side of
// signature/xmldsig/testdata/bench-xmlsec1.sh.
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "xmldsig:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := "demo"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "demo":
		return demo(ctx, stdout)
	case "sign":
		return sign(args, stdout)
	case "verify":
		return verify(ctx, args, stdout)
	}
	return fmt.Errorf("unknown command %q (demo, sign, verify)", cmd)
}

const message = `<?xml version="1.0" encoding="UTF-8"?>
<xbau:baugenehmigung.antrag.0200 xmlns:xbau="http://www.xleitstelle.de/xbau/2/6">
  <nachrichtenkopf.g2g><autor><kennung>psw:01003110</kennung><name>Bauamt Musterstadt</name></autor></nachrichtenkopf.g2g>
  <antragsteller>Erika Mustermann</antragsteller>
</xbau:baugenehmigung.antrag.0200>
`

func demo(ctx context.Context, w io.Writer) error {
	ca, err := signaturetest.NewCA("Demo-CA", signaturetest.P256)
	if err != nil {
		return err
	}
	key, err := ca.Issue(signaturetest.Options{CommonName: "Bauamt Musterstadt", Key: signaturetest.P256})
	if err != nil {
		return err
	}
	signer, err := xmldsig.NewSigner(xmldsig.SignerConfig{Key: key})
	if err != nil {
		return err
	}
	signed, err := signer.Sign([]byte(message))
	if err != nil {
		return err
	}
	trust, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{ca.Certificate}})
	if err != nil {
		return err
	}
	verifier, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust})
	if err != nil {
		return err
	}
	res, err := verifier.Verify(ctx, signed)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "signed by %s with %s\n", res.Certificate.Subject.CommonName, res.SignatureMethod)
	fmt.Fprintf(w, "antragsteller: %s\n", res.Element.FindElement("antragsteller").Text())

	tampered := []byte(string(signed))
	for i := range tampered {
		if tampered[i] == 'E' && string(tampered[i:i+5]) == "Erika" {
			tampered[i] = 'M'
			break
		}
	}
	_, err = verifier.Verify(ctx, tampered)
	fmt.Fprintf(w, "tampered: %v (digest mismatch: %t)\n", err, errors.Is(err, xmldsig.ErrDigestMismatch))
	return nil
}

func sign(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	keyFile := fs.String("key", "", "private key (PEM, PKCS#8/PKCS#1/SEC 1)")
	certFile := fs.String("cert", "", "certificate chain (PEM, leaf first)")
	method := fs.String("method", "", "signature method URI (default by key type)")
	first := fs.Bool("first", false, "insert the Signature as the first child (default last)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *keyFile == "" || *certFile == "" {
		return errors.New("usage: sign -key key.pem -cert cert.pem [-method URI] [-first] in.xml")
	}
	keyPEM, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	certPEM, err := os.ReadFile(*certFile)
	if err != nil {
		return err
	}
	kp, err := signature.LoadPEM(keyPEM, certPEM)
	if err != nil {
		return err
	}
	cfg := xmldsig.SignerConfig{Key: kp, SignatureMethod: *method}
	if *first {
		cfg.Placement.Position = xmldsig.FirstChild
	}
	signer, err := xmldsig.NewSigner(cfg)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	// SignTo writes the input around the Signature, without a second
	// in-memory copy of a large document.
	return signer.SignTo(w, data)
}

func verify(ctx context.Context, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	caFile := fs.String("ca", "", "trust anchors (PEM)")
	pinFile := fs.String("pin", "", "pinned certificates (PEM)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (*caFile == "") == (*pinFile == "") {
		return errors.New("usage: verify (-ca ca.pem | -pin cert.pem) in.xml")
	}
	var cfg signature.TrustConfig
	for file, dst := range map[string]*[]*x509.Certificate{*caFile: &cfg.Anchors, *pinFile: &cfg.Pinned} {
		if file == "" {
			continue
		}
		pemData, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		certs, err := signature.ParseCertificatesPEM(pemData)
		if err != nil {
			return err
		}
		*dst = certs
	}
	trust, err := signature.NewTrustStore(cfg)
	if err != nil {
		return err
	}
	verifier, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust})
	if err != nil {
		return err
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	res, err := verifier.Verify(ctx, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "OK %s <%s> signed by %s\n", res.SignatureMethod, res.Element.Tag, res.Certificate.Subject)
	return nil
}
