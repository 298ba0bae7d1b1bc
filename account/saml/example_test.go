package saml_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/account/sqlstore"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// Example logs a citizen in at the BundID simulator: the service provider
// sends a signed AuthnRequest with the akdb extension over the HTTP-POST
// binding and verifies the RSA-PSS signed, AES-GCM encrypted response.
func Example() {
	idp, err := accounttest.NewServer(accounttest.Config{})
	if err != nil {
		panic(err)
	}
	defer idp.Close()

	// Keys: the PEM files of your deployment (here generated for the
	// example); signature.LoadPKCS12 reads a .p12 file, and
	// signature.NewKeyPair pairs any crypto.Signer (HSM) with its
	// certificate.
	signingKeyPEM, signingCertPEM := examplePEM("sp signing")
	encryptionKeyPEM, encryptionCertPEM := examplePEM("sp encryption")
	signing, err := signature.LoadPEM(signingKeyPEM, signingCertPEM)
	if err != nil {
		panic(err)
	}
	encryption, err := signature.LoadPEM(encryptionKeyPEM, encryptionCertPEM)
	if err != nil {
		panic(err)
	}
	decrypter, err := encryption.Decrypter()
	if err != nil {
		panic(err)
	}

	// Store: pending requests and the replay cache, shared by every
	// instance of the service (SQLite here, PostgreSQL with
	// sqlstore.OpenPostgres).
	dir, err := os.MkdirTemp("", "saml-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	store, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, "saml.db"))
	if err != nil {
		panic(err)
	}
	defer store.Close()

	var sp *saml.ServiceProvider
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		_ = sp.StartLogin(r.Context(), w, r, saml.LoginOptions{ReturnTo: "/start"})
	})
	mux.HandleFunc("POST /saml/acs", func(w http.ResponseWriter, r *http.Request) {
		login, err := sp.FinishLogin(r.Context(), w, r)
		if err != nil {
			http.Error(w, "login failed", http.StatusForbidden)
			return
		}
		id := login.Identity
		fmt.Fprintf(w, "%s level=%s name=%s %s born=%s country=%s (trust %s) mailbox=%t",
			id.Provider, id.Level, id.Person.GivenNames.Value, id.Person.FamilyName.Value,
			id.Person.BirthDate.Value, id.Person.Address.Country.Value, id.Person.Address.Country.Level,
			id.MailboxHandle.Set)
	})
	web := httptest.NewServer(mux)
	defer web.Close()

	sp, err = saml.New(saml.Config{
		EntityID:              "https://service.example.org/saml",
		ACSURL:                web.URL + "/saml/acs",
		SigningKey:            signing,
		DecryptionKey:         decrypter,
		EncryptionCertificate: encryption.Certificate,
		IdPMetadata:           idp.Metadata(),
		Profile:               idp.Profile(), // saml.BundIDIntegration() with the simulator's entityID
		Level:                 account.LevelSubstanziell,
		Extension: &saml.Extension{
			RequestedAttributes: []saml.RequestedAttribute{
				{Name: account.AttrBPK2, Required: true},
				{Name: account.AttrGivenName, Required: true},
				{Name: account.AttrSurname, Required: true},
				{Name: account.AttrBirthdate},
				{Name: account.AttrCountry},
				{Name: account.AttrPostkorbHandle},
			},
			Display: saml.DisplayInformation{OrganizationDisplayName: "Stadt Musterstadt", OnlineServiceID: "99123456760000"},
		},
		InsecureDevelopment: true, // plain-http test server on loopback
		Store:               store,
		Logger:              slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	md, _ := sp.Metadata() // upload this to the IdP (BundID: self-service portal)
	if err := idp.RegisterSP(md); err != nil {
		panic(err)
	}

	jar, _ := cookiejar.New(nil)
	_, body, err := accounttest.Browse(context.Background(), &http.Client{Jar: jar}, web.URL+"/login")
	if err != nil {
		panic(err)
	}
	fmt.Println(body)
	// Output: bundid level=hoch name=ERIKA MUSTERMANN born=1964-08-12 country=DE (trust hoch) mailbox=true
}

// examplePEM stands in for the PEM files of a deployment.
func examplePEM(cn string) (keyPEM, certPEM []byte) {
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: cn})
	if err != nil {
		panic(err)
	}
	if keyPEM, certPEM, err = signaturetest.EncodePEM(kp); err != nil {
		panic(err)
	}
	return keyPEM, certPEM
}

// ExampleStatusError shows the typed error for a required attribute the
// account cannot supply (BundID §9.7 status detail).
func ExampleStatusError() {
	e := newExampleEnv()
	defer e.idp.Close()
	u := accounttest.Erika()
	u.Temporary = true // guest login: no bPK2
	e.idp.SetUser(u)
	_, err := e.login(saml.LoginOptions{}, accounttest.Faults{})
	var se *saml.StatusError
	if errorAs(err, &se) {
		fmt.Println(se.SubCode)
		fmt.Println(se.MissingAttributes())
	}
	// Output:
	// urn:oasis:names:tc:SAML:2.0:status:RequestDenied
	// [urn:oid:1.3.6.1.4.1.25484.494450.3]
}
