package signaturetest

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"
)

// OCSPFault selects a misbehaviour of an [OCSPResponder].
type OCSPFault int

const (
	// OCSPOK answers correctly (the zero value).
	OCSPOK OCSPFault = iota
	// OCSPHTTPError answers HTTP 500.
	OCSPHTTPError
	// OCSPGarbage answers 200 with bytes that are not an OCSP response.
	OCSPGarbage
	// OCSPUnknown answers status "unknown".
	OCSPUnknown
	// OCSPStale answers with nextUpdate in the past.
	OCSPStale
	// OCSPFuture answers with thisUpdate one day in the future.
	OCSPFuture
	// OCSPWrongSigner signs with a key the issuer never certified.
	OCSPWrongSigner
	// OCSPDelegateWithoutEKU signs with a certificate issued by the CA but
	// lacking id-kp-OCSPSigning.
	OCSPDelegateWithoutEKU
	// OCSPWrongSerial answers about another serial number.
	OCSPWrongSerial
)

// OCSPResponder is an httptest OCSP responder (RFC 6960) for one CA with
// fault injection. Issue certificates with Options.OCSPServer set to URL.
// Safe for concurrent use.
type OCSPResponder struct {
	// URL is the responder's address.
	URL string

	ca       *CA
	srv      *httptest.Server
	delegate *CA // responder certificate with id-kp-OCSPSigning
	noEKU    *CA
	stranger *CA

	mu      sync.Mutex
	revoked map[string]time.Time
	fault   OCSPFault
	now     func() time.Time
	hits    int
}

// NewOCSPResponder starts a responder for ca; close it with Close. now is
// the responder's clock (nil: time.Now).
func NewOCSPResponder(ca *CA, now func() time.Time) (*OCSPResponder, error) {
	if ca == nil {
		return nil, fmt.Errorf("%w: nil CA", ErrInvalidConfig)
	}
	if now == nil {
		now = time.Now
	}
	r := &OCSPResponder{ca: ca, revoked: map[string]time.Time{}, now: now}
	var err error
	if r.delegate, err = ca.issueResponder("OCSP Responder", true); err != nil {
		return nil, invalidConfig(err)
	}
	if r.noEKU, err = ca.issueResponder("Not a Responder", false); err != nil {
		return nil, invalidConfig(err)
	}
	if r.stranger, err = NewCA("Stranger", P256); err != nil {
		return nil, invalidConfig(err)
	}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	return r, nil
}

// Close stops the server.
func (r *OCSPResponder) Close() { r.srv.Close() }

// Revoke marks the certificate revoked (at the responder's now).
func (r *OCSPResponder) Revoke(c *x509.Certificate) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.revoked[c.SerialNumber.String()] = r.now().Add(-time.Minute)
}

// SetFault selects the behaviour of the following answers.
func (r *OCSPResponder) SetFault(f OCSPFault) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fault = f
}

// Hits returns the number of requests served.
func (r *OCSPResponder) Hits() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits
}

func (r *OCSPResponder) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<16))
	if err != nil || req.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	oreq, err := ocsp.ParseRequest(body)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.hits++
	fault := r.fault
	revokedAt, revoked := r.revoked[oreq.SerialNumber.String()]
	now := r.now()
	r.mu.Unlock()

	switch fault {
	case OCSPHTTPError:
		http.Error(w, "unavailable", http.StatusInternalServerError)
		return
	case OCSPGarbage:
		_, _ = w.Write([]byte("not ocsp"))
		return
	}
	tmpl := ocsp.Response{
		Status:       ocsp.Good,
		SerialNumber: oreq.SerialNumber,
		ThisUpdate:   now.Add(-time.Minute),
		NextUpdate:   now.Add(time.Hour),
	}
	if revoked {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, revokedAt, ocsp.KeyCompromise
	}
	// Default: a delegated responder certificate with id-kp-OCSPSigning.
	signerKey, responderCert := r.delegate.Key, r.delegate.Certificate
	switch fault {
	case OCSPUnknown:
		tmpl.Status = ocsp.Unknown
	case OCSPStale:
		tmpl.ThisUpdate, tmpl.NextUpdate = now.Add(-48*time.Hour), now.Add(-24*time.Hour)
	case OCSPFuture:
		tmpl.ThisUpdate, tmpl.NextUpdate = now.Add(24*time.Hour), now.Add(48*time.Hour)
	case OCSPWrongSigner:
		signerKey, responderCert = r.stranger.Key, r.stranger.Certificate
	case OCSPDelegateWithoutEKU:
		signerKey, responderCert = r.noEKU.Key, r.noEKU.Certificate
	case OCSPWrongSerial:
		tmpl.SerialNumber = new(big.Int).Add(oreq.SerialNumber, big.NewInt(1))
	}
	tmpl.Certificate = responderCert
	der, err := ocsp.CreateResponse(r.ca.Certificate, responderCert, tmpl, signerKey)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	_, _ = w.Write(der)
}

// issueResponder issues a certificate for an OCSP responder (with or
// without id-kp-OCSPSigning) and returns it as a CA value (certificate and
// key) for signing responses.
func (ca *CA) issueResponder(cn string, eku bool) (*CA, error) {
	key, err := NewKey(P256, false)
	if err != nil {
		return nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"ozg signaturetest"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	if eku {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Certificate, key.Public(), ca.Key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Certificate: cert, Key: key}, nil
}
