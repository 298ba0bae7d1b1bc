package accounttest

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/samlidp"
	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// Mode selects which identity provider the simulator behaves like.
type Mode int

const (
	// BundID: AKDB platform. The Assertion is RSA-PSS signed (exc-C14N with
	// InclusiveNamespaces "xsd"), AES-256-GCM encrypted with RSA-OAEP key
	// transport; transient NameID; akdb:TrustLevel per attribute; the akdb
	// extension is honoured.
	BundID Mode = iota
	// MUK: Mein Unternehmenskonto (ELSTER). The Response is RSA-PSS signed,
	// the Assertion encrypted but not signed; persistent NameID; ELSTER
	// attribute names.
	MUK
)

// Config configures a Server. The zero value simulates BundID with Erika.
type Config struct {
	Mode Mode
	// User logs in; zero value: Erika (BundID) or Max (MUK).
	User *User
	// Now is the IdP clock; nil means time.Now.
	Now func() time.Time
	// SignatureMethod signs responses; default signature.RSAPSSSHA256.
	SignatureMethod string
	// KeyTransport and ContentAlgorithm encrypt assertions; defaults
	// xmlenc.RSAOAEP (MGF1-SHA-256) and xmlenc.AES256GCM.
	KeyTransport, ContentAlgorithm string
	// Key is the IdP signing key; nil generates a self-signed RSA key.
	Key *signature.KeyPair
	// MetadataKey signs the metadata served at GET /idp/metadata
	// (SignedMetadata); nil uses the first signing key, which stays the
	// metadata signer across RotateKey, as a federation's metadata signer
	// outlives the IdP's signing keys.
	MetadataKey *signature.KeyPair
	// MetadataValidity and MetadataCacheDuration are written as validUntil
	// (now + MetadataValidity) and cacheDuration into the metadata; zero
	// omits them.
	MetadataValidity, MetadataCacheDuration time.Duration
}

// Server is an httptest SAML IdP. Endpoints: GET /idp/metadata, GET (HTTP
// Redirect) and POST (HTTP-POST) /idp/sso. Logins happen without a UI: the
// configured User is authenticated at once and the response is posted
// back with an auto-submitting form. It is safe for concurrent use.
type Server struct {
	*httptest.Server
	EntityID string
	SSOURL   string

	cfg     Config
	key     *signature.KeyPair
	signer  *xmldsig.Signer
	oldKeys []*signature.KeyPair // still in the metadata during a rollover
	metaKey *signature.KeyPair

	mu       sync.Mutex
	sp       *saml.SPMetadata
	spVerify *xmldsig.Verifier
	user     User
	faults   Faults
	last     []byte
	requests []*saml.AuthnRequest
	seen     map[string]bool
}

// NewServer starts a simulator; call Close when done. A Key or
// SignatureMethod the signer cannot use is ErrInvalidConfig.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SignatureMethod == "" {
		cfg.SignatureMethod = signature.RSAPSSSHA256
	}
	if cfg.KeyTransport == "" {
		cfg.KeyTransport = xmlenc.RSAOAEP
	}
	if cfg.ContentAlgorithm == "" {
		cfg.ContentAlgorithm = xmlenc.AES256GCM
	}
	s := &Server{cfg: cfg, key: cfg.Key, seen: map[string]bool{}}
	if s.key == nil {
		kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "accounttest IdP",
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return nil, err
		}
		s.key = kp
	}
	var err error
	if s.signer, err = newSigner(s.key, cfg.SignatureMethod); err != nil {
		return nil, fmt.Errorf("%w: signing key or SignatureMethod: %w", ErrInvalidConfig, err)
	}
	if s.metaKey = cfg.MetadataKey; s.metaKey == nil {
		s.metaKey = s.key
	}
	switch {
	case cfg.User != nil:
		s.user = *cfg.User
	case cfg.Mode == MUK:
		s.user = Max()
	default:
		s.user = Erika()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /idp/metadata", func(w http.ResponseWriter, r *http.Request) {
		md, err := s.SignedMetadata()
		if err != nil {
			http.Error(w, "metadata", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/samlmetadata+xml")
		_, _ = w.Write(md)
	})
	mux.HandleFunc("/idp/sso", s.handleSSO)
	s.Server = httptest.NewServer(mux)
	s.EntityID = s.URL + "/idp"
	s.SSOURL = s.URL + "/idp/sso"
	return s, nil
}

func newSigner(kp *signature.KeyPair, method string) (*xmldsig.Signer, error) {
	return xmldsig.NewSigner(xmldsig.SignerConfig{
		Key: kp, SignatureMethod: method, DigestMethod: signature.DigestSHA256,
		Canonicalization: xmldsig.ExcC14N, InclusiveNamespaces: []string{"xsd"}, IDAttribute: "ID",
		Placement: xmldsig.Placement{Position: xmldsig.AfterElement, Space: samlwire.NSAssertion, Local: "Issuer"},
		Prefix:    "ds",
	})
}

// Key returns the IdP signing key pair; its certificate is the one in the
// metadata. Test use only (benchmarks, external verifiers).
func (s *Server) Key() *signature.KeyPair {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.key
}

// MetadataCertificate returns the certificate of the metadata signer, the
// value for saml.Config.IdPMetadataSigners.
func (s *Server) MetadataCertificate() *x509.Certificate { return s.metaKey.Certificate }

// RotateKey starts a signing-key rollover: a new key signs every response
// from now on, and the metadata lists the new certificate first and the
// old one after it until RetireOldKeys (SAML 2.0 metadata §2.4.1.1 allows
// several signing KeyDescriptors).
func (s *Server) RotateKey() error {
	kp, err := signaturetest.SelfSigned(signaturetest.Options{CommonName: "accounttest IdP", UniqueKey: true,
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	signer, err := newSigner(kp, s.cfg.SignatureMethod)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oldKeys = append([]*signature.KeyPair{s.key}, s.oldKeys...)
	s.key, s.signer = kp, signer
	return nil
}

// RetireOldKeys ends a rollover: the metadata lists the current key only.
func (s *Server) RetireOldKeys() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oldKeys = nil
}

// Profile returns the saml.Profile that matches this simulator, with
// IdPEntityID set to its entityID.
func (s *Server) Profile() saml.Profile {
	var p saml.Profile
	if s.cfg.Mode == MUK {
		p = saml.MUK()
	} else {
		p = saml.BundIDIntegration()
	}
	p.IdPEntityID = s.EntityID
	// A simulator is no production environment: the SP may use
	// saml.Config.InsecureDevelopment against its plain-http endpoints.
	p.Production = false
	return p
}

// RegisterSP trusts the service provider described by metadata (its
// signing certificate verifies AuthnRequests, its encryption certificate
// receives the assertions, its ACS URL is the only allowed one).
func (s *Server) RegisterSP(metadata []byte) error {
	md, err := samlidp.ParseSPMetadata(metadata)
	if err != nil {
		return err
	}
	if md.SigningCertificate == nil || md.EncryptionCertificate == nil || md.ACSURL == "" {
		return errors.New("accounttest: SP metadata needs signing and encryption certificates and an ACS")
	}
	trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{md.SigningCertificate}, Now: s.cfg.Now, InsecureIgnorePinnedValidity: true})
	if err != nil {
		return err
	}
	v, err := xmldsig.NewVerifier(xmldsig.VerifierConfig{Trust: trust, IDAttribute: "ID"})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sp, s.spVerify = md, v
	return nil
}

// SetUser changes the user of subsequent logins.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

// SetFaults sets the faults injected into subsequent responses.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// LastResponse returns the XML of the last response sent (for replay
// tests).
func (s *Server) LastResponse() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.last...)
}

// Requests returns the AuthnRequests received over HTTP, oldest first.
func (s *Server) Requests() []*saml.AuthnRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*saml.AuthnRequest(nil), s.requests...)
}

func (s *Server) handleSSO(w http.ResponseWriter, r *http.Request) {
	req, relay, code := s.receive(r)
	if code != "" {
		// The real IdP shows an error page with idp.code (BundID §9.6).
		http.Error(w, "idp.code="+code, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	f, last := s.faults, s.last
	s.mu.Unlock()
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	var resp []byte
	if f.Replay && last != nil {
		resp = last
	} else {
		var err error
		if resp, err = s.Respond(req); err != nil {
			http.Error(w, "idp.code=internal", http.StatusBadRequest)
			return
		}
	}
	fields := url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString(resp)}}
	if relay != "" {
		fields.Set("RelayState", relay)
	}
	_ = saml.WritePostForm(w, req.ACSURL, fields)
}

// receive decodes and verifies an AuthnRequest; code is a BundID-style
// error code when it is refused.
func (s *Server) receive(r *http.Request) (req *saml.AuthnRequest, relay string, code string) {
	s.mu.Lock()
	sp, v := s.sp, s.spVerify
	s.mu.Unlock()
	if sp == nil {
		return nil, "", "unknown-service-provider"
	}
	lim := xmlsafe.Limits{MaxBytes: 256 << 10, MaxDepth: 32, MaxElements: 2000}
	switch r.Method {
	case http.MethodGet:
		m, err := samlidp.DecodeRedirect(r.URL.RawQuery, 0, 0)
		if err != nil {
			return nil, "", "invalid-request"
		}
		if m.Verify(sp.SigningCertificate.PublicKey, signature.Policy{}) != nil {
			return nil, "", "saml-request-not-signed"
		}
		if s.cfg.Mode == MUK && m.SigAlg != signature.RSAPSSSHA256 {
			return nil, "", "saml-request-signature-method"
		}
		doc, err := xmlsafe.Parse(m.XML, lim)
		if err != nil {
			return nil, "", "invalid-request"
		}
		if req, err = samlidp.ParseAuthnRequest(doc.Root()); err != nil {
			return nil, "", "invalid-request"
		}
		relay = m.RelayState
	case http.MethodPost:
		r.Body = http.MaxBytesReader(nil, r.Body, 512<<10)
		if err := r.ParseForm(); err != nil {
			return nil, "", "invalid-request"
		}
		data, err := base64.StdEncoding.DecodeString(r.PostForm.Get("SAMLRequest"))
		if err != nil {
			return nil, "", "invalid-request"
		}
		doc, err := xmlsafe.Parse(data, lim)
		if err != nil {
			return nil, "", "invalid-request"
		}
		res, err := v.VerifyElement(context.Background(), doc.Root())
		if err != nil {
			return nil, "", "saml-request-not-signed"
		}
		// ELSTER (MUK) accepts RSA-PSS request signatures only.
		if s.cfg.Mode == MUK && res.SignatureMethod != signature.RSAPSSSHA256 {
			return nil, "", "saml-request-signature-method"
		}
		if req, err = samlidp.ParseAuthnRequest(res.Element); err != nil {
			return nil, "", "invalid-request"
		}
		relay = r.PostForm.Get("RelayState")
	default:
		return nil, "", "invalid-request"
	}
	now := s.cfg.Now()
	if req.IssueInstant.Before(now.Add(-5*time.Minute)) || req.IssueInstant.After(now.Add(time.Minute)) {
		return nil, "", "saml-request-expired"
	}
	s.mu.Lock()
	seen := s.seen[req.ID]
	if !seen {
		s.seen[req.ID] = true
	}
	s.mu.Unlock()
	if seen {
		// BundID §8.2: a re-sent request (back button) is a replay.
		return nil, "", "saml-request-replayed"
	}
	if req.Destination != s.SSOURL {
		return nil, "", "invalid-destination"
	}
	if req.Issuer != sp.EntityID || (req.ACSURL != "" && req.ACSURL != sp.ACSURL) {
		return nil, "", "unknown-service-provider"
	}
	if s.cfg.Mode == BundID && req.Extension != nil {
		if err := req.Extension.Validate(); err != nil {
			return nil, "", "invalid-akdb-extension"
		}
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	return req, relay, ""
}

// Level returns the level the simulator's user authenticates with.
func (s *Server) Level() account.Level {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user.Level
}

// errNoSP reports Respond before RegisterSP.
var errNoSP = errors.New("accounttest: no service provider registered")
