package accounttest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// ExampleNewServer starts the BundID simulator and reads its metadata the
// way a service provider does.
func ExampleNewServer() {
	idp, err := accounttest.NewServer(accounttest.Config{Mode: accounttest.BundID})
	if err != nil {
		panic(err)
	}
	defer idp.Close()
	md, err := saml.ParseIdPMetadata(idp.Metadata())
	if err != nil {
		panic(err)
	}
	fmt.Println(md.EntityID == idp.EntityID, md.SSOPost == idp.SSOURL, len(md.SigningCertificates))
	fmt.Println(idp.Profile().Provider, idp.Level())
	// Output:
	// true true 1
	// bundid hoch
}

// ExampleFaults makes the simulator send a response for the wrong
// audience; the service provider rejects it with saml.ErrAudience.
func ExampleFaults() {
	idp, _ := accounttest.NewServer(accounttest.Config{})
	defer idp.Close()
	signing, _ := signaturetest.SelfSigned(signaturetest.Options{})
	enc, _ := signaturetest.SelfSigned(signaturetest.Options{})
	dec, _ := enc.Decrypter()
	sp, err := saml.New(saml.Config{
		EntityID: "https://service.example.org/saml", ACSURL: "https://service.example.org/saml/acs",
		SigningKey: signing, DecryptionKey: dec, EncryptionCertificate: enc.Certificate,
		IdPMetadata: idp.Metadata(), Profile: idp.Profile(), Level: account.LevelSubstanziell,
		Store: saml.NewMemoryStore(), InsecureDevelopment: true, // the simulator serves plain http on loopback
		Extension: &saml.Extension{
			RequestedAttributes: []saml.RequestedAttribute{{Name: account.AttrBPK2, Required: true}},
			Display:             saml.DisplayInformation{OrganizationDisplayName: "Stadt Musterstadt", OnlineServiceID: "99123456760000"},
		},
	})
	if err != nil {
		panic(err)
	}
	md, _ := sp.Metadata()
	_ = idp.RegisterSP(md)

	for _, f := range []accounttest.Faults{{}, {Audience: "https://other.example.org/saml"}, {UnsignedAssertion: true}} {
		req, _ := sp.AuthnRequest(saml.LoginOptions{})
		idp.SetFaults(f)
		resp, _ := idp.Respond(req)
		_, err := sp.ParseResponse(context.Background(), resp, saml.PendingRequest{ID: req.ID, Level: req.Level})
		fmt.Println(err == nil, errors.Is(err, saml.ErrAudience), errors.Is(err, saml.ErrSignature))
	}
	// Output:
	// true false false
	// false true false
	// false false true
}
