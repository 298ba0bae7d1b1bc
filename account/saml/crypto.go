package saml

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/xmldsig"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// initCrypto prepares the XML-DSig signer and verifier and the XML-Enc
// decrypter. All signature work is done by package signature/xmldsig and
// all decryption by signature/xmlenc; this package has no crypto of its
// own besides the Redirect-binding query signature, which goes through
// signature.Sign and signature.Verify.
func (sp *ServiceProvider) initCrypto() error {
	var err error
	if sp.signer, err = xmldsig.NewSigner(xmldsig.SignerConfig{
		Key:              sp.cfg.SigningKey,
		SignatureMethod:  sp.cfg.RequestSignatureMethod,
		DigestMethod:     signature.DigestSHA256,
		Canonicalization: xmldsig.ExcC14N,
		IDAttribute:      "ID",
		// core §5.4.1 / schema: ds:Signature follows saml:Issuer.
		Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Space: samlwire.NSAssertion, Local: "Issuer"},
		Prefix:    "ds",
	}); err != nil {
		return fmt.Errorf("signer: %w", err)
	}
	if sp.cfg.DecryptionKey != nil {
		// The decrypted Assertion is parsed before its signature can be
		// checked, by anyone holding the public encryption certificate:
		// it gets the same limits as the Response around it.
		lim := sp.responseLimits()
		if sp.decrypter, err = xmlenc.NewDecrypter(xmlenc.DecrypterConfig{
			Key:               sp.cfg.DecryptionKey,
			KeyTransports:     sp.cfg.KeyTransports,
			ContentAlgorithms: sp.cfg.ContentAlgorithms,
			InsecureAllowCBC:  sp.cfg.InsecureAllowCBC,
			MaxPlaintextBytes: lim.MaxBytes,
			MaxDepth:          lim.MaxDepth,
			MaxElements:       lim.MaxElements,
			MaxAttributes:     lim.MaxAttributes,
		}); err != nil {
			return fmt.Errorf("decrypter: %w", err)
		}
	}
	return nil
}

// newVerifier returns the response verifier for the signing certificates
// of one metadata copy: they are its only trusted keys (pinned).
func (sp *ServiceProvider) newVerifier(certs []*x509.Certificate) (*xmldsig.Verifier, error) {
	trust, err := signature.NewTrustStore(signature.TrustConfig{
		Pinned: certs,
		Now:    sp.cfg.Now,
		// SAML metadata trust is by exact certificate match; IdPs publish
		// long-lived self-signed certificates whose dates carry no meaning
		// (SAML 2.0 metadata interoperability profile §2.4.1).
		InsecureIgnorePinnedValidity: true,
	})
	if err != nil {
		return nil, fmt.Errorf("IdP trust store: %w", err)
	}
	v, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{
		Trust:       trust,
		Policy:      sp.cfg.Policy,
		IDAttribute: "ID",
		Logger:      sp.cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("verifier: %w", err)
	}
	return v, nil
}

// decrypt returns the Assertion inside an EncryptedAssertion (core §2.3.4).
func (sp *ServiceProvider) decrypt(ea *etree.Element) (*etree.Element, error) {
	if sp.decrypter == nil {
		return nil, fmt.Errorf("%w: no DecryptionKey configured", ErrDecryption)
	}
	eds := children(ea, samlwire.NSXMLEnc, "EncryptedData")
	if len(eds) != 1 {
		return nil, fmt.Errorf("%w: EncryptedAssertion needs exactly one EncryptedData", ErrDecryption)
	}
	el, err := sp.decrypter.DecryptElement(eds[0])
	if err != nil {
		return nil, decryptionError(err)
	}
	return el, nil
}

// decryptionError classifies an xmlenc failure. A refused algorithm is an
// *EncryptionAlgorithmError (ErrDecryption), not the signature package's
// "algorithm not allowed", which reads like a signature failure.
func decryptionError(err error) error {
	var ae *signature.AlgorithmError
	switch {
	case errors.As(err, &ae):
		return &EncryptionAlgorithmError{Algorithm: ae.URI}
	case errors.Is(err, xmlenc.ErrAlgorithmNotAllowed):
		return &EncryptionAlgorithmError{}
	case errors.Is(err, xmlenc.ErrLimit):
		return fmt.Errorf("%w: %w: %w", ErrDecryption, ErrLimit, err)
	}
	return fmt.Errorf("%w: %w", ErrDecryption, err)
}

func serialize(el *etree.Element) ([]byte, error) {
	doc := etree.NewDocument()
	doc.SetRoot(el)
	doc.WriteSettings = etree.WriteSettings{CanonicalEndTags: true, CanonicalText: true, CanonicalAttrVal: true}
	return doc.WriteToBytes()
}
