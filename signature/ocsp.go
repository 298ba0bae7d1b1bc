package signature

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/egosaar/ozg/internal/boundedio"
)

// Defaults of [OCSPConfig].
const (
	DefaultOCSPTimeout          = 10 * time.Second
	DefaultOCSPMaxResponseBytes = 64 << 10
	DefaultOCSPMaxAge           = 7 * 24 * time.Hour
	DefaultOCSPSkew             = 5 * time.Minute
)

// OCSPConfig configures an [OCSPChecker].
type OCSPConfig struct {
	// HTTPClient sends the requests; nil means a client with
	// DefaultOCSPTimeout that does not follow redirects.
	HTTPClient *http.Client
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// MaxResponseBytes bounds a response; zero means 64 KiB.
	MaxResponseBytes int64
	// MaxAge bounds the age (thisUpdate) of a response without nextUpdate;
	// zero means 7 days.
	MaxAge time.Duration
	// Skew tolerates clock differences with the responder; zero means 5
	// minutes.
	Skew time.Duration
	// AllowLeafWithoutOCSP accepts a leaf certificate that names no OCSP
	// responder. The default refuses it (fail closed). Intermediate
	// certificates without an OCSP URL are not checked (CRLs are not
	// implemented).
	AllowLeafWithoutOCSP bool
}

// OCSPChecker is a [RevocationChecker] that asks the OCSP responder named
// in each certificate's Authority Information Access extension (RFC 6960,
// HTTP POST per §A.1). A response must be signed by the issuer or by a
// responder certificate the issuer delegated with id-kp-OCSPSigning
// (§4.2.2.2), be for the certificate's serial number, and be current
// (thisUpdate ≤ now+Skew, now−Skew ≤ nextUpdate). "good" responses are
// cached until nextUpdate. Any failure to obtain a usable answer is an
// error, so [TrustStore] fails closed. Safe for concurrent use.
type OCSPChecker struct {
	client  *http.Client
	now     func() time.Time
	max     int64
	maxAge  time.Duration
	skew    time.Duration
	allowNo bool

	mu    sync.Mutex
	cache map[string]time.Time // fingerprint → good until
}

// NewOCSPChecker returns an OCSPChecker.
func NewOCSPChecker(cfg OCSPConfig) (*OCSPChecker, error) {
	v, err := newOCSPChecker(cfg)
	if err != nil {
		return nil, invalidConfig(err)
	}
	return v, nil
}

func newOCSPChecker(cfg OCSPConfig) (*OCSPChecker, error) {
	if cfg.MaxResponseBytes < 0 || cfg.MaxAge < 0 || cfg.Skew < 0 {
		return nil, errors.New("signature: OCSP config: negative limit")
	}
	c := &OCSPChecker{client: cfg.HTTPClient, now: cfg.Now, max: cfg.MaxResponseBytes, maxAge: cfg.MaxAge,
		skew: cfg.Skew, allowNo: cfg.AllowLeafWithoutOCSP, cache: map[string]time.Time{}}
	if c.client == nil {
		c.client = &http.Client{
			Timeout:       DefaultOCSPTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.max == 0 {
		c.max = DefaultOCSPMaxResponseBytes
	}
	if c.maxAge == 0 {
		c.maxAge = DefaultOCSPMaxAge
	}
	if c.skew == 0 {
		c.skew = DefaultOCSPSkew
	}
	return c, nil
}

// OCSPError reports why a certificate's status could not be established
// (it does not wrap ErrRevoked; a revoked certificate is reported with
// an error wrapping [ErrRevoked]).
type OCSPError struct {
	// Serial is the certificate serial number (decimal).
	Serial string
	// Reason is a short explanation.
	Reason string
	// Err is the cause, if any.
	Err error
}

func (e *OCSPError) Error() string {
	return "signature: OCSP status of certificate " + e.Serial + " unavailable: " + e.Reason
}

// Unwrap returns the cause.
func (e *OCSPError) Unwrap() error { return e.Err }

// CheckRevocation implements [RevocationChecker]. chain is leaf first,
// anchor last; every certificate but the anchor is checked against its
// issuer. A chain of one certificate (pinned) is not checked.
func (c *OCSPChecker) CheckRevocation(ctx context.Context, chain []*x509.Certificate) error {
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		if len(cert.OCSPServer) == 0 {
			if i == 0 && !c.allowNo {
				return &OCSPError{Serial: cert.SerialNumber.String(), Reason: "certificate names no OCSP responder"}
			}
			continue
		}
		if err := c.check(ctx, cert, issuer); err != nil {
			return err
		}
	}
	return nil
}

func (c *OCSPChecker) check(ctx context.Context, cert, issuer *x509.Certificate) error {
	fp := CertificateFingerprint(cert)
	now := c.now()
	c.mu.Lock()
	until, ok := c.cache[fp]
	c.mu.Unlock()
	if ok && now.Before(until) {
		return nil
	}
	serial := cert.SerialNumber.String()
	req, err := ocsp.CreateRequest(cert, issuer, nil)
	if err != nil {
		return &OCSPError{Serial: serial, Reason: "cannot build request", Err: err}
	}
	var lastErr error
	for _, server := range cert.OCSPServer {
		u, err := url.Parse(server)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			lastErr = &OCSPError{Serial: serial, Reason: "responder URL is not http(s)"}
			continue
		}
		resp, err := c.fetch(ctx, server, req)
		if err != nil {
			lastErr = &OCSPError{Serial: serial, Reason: "responder not reachable", Err: err}
			continue
		}
		r, err := ocsp.ParseResponseForCert(resp, cert, issuer)
		if err != nil {
			lastErr = &OCSPError{Serial: serial, Reason: "invalid response", Err: err}
			continue
		}
		if err := c.checkResponse(r, cert, issuer, now); err != nil {
			return err
		}
		if r.Status == ocsp.Revoked {
			return fmt.Errorf("%w: certificate %s revoked at %s", ErrRevoked, serial, r.RevokedAt.UTC().Format(time.RFC3339))
		}
		if r.Status != ocsp.Good {
			return &OCSPError{Serial: serial, Reason: "responder answered unknown"}
		}
		good := r.NextUpdate
		if good.IsZero() {
			good = now // not cacheable
		}
		c.mu.Lock()
		c.cache[fp] = good
		c.mu.Unlock()
		return nil
	}
	return lastErr
}

func (c *OCSPChecker) checkResponse(r *ocsp.Response, cert, issuer *x509.Certificate, now time.Time) error {
	serial := cert.SerialNumber.String()
	if r.SerialNumber == nil || r.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		return &OCSPError{Serial: serial, Reason: "response is for another certificate"}
	}
	if r.Certificate != nil && !r.Certificate.Equal(issuer) {
		// Delegated responder (RFC 6960 §4.2.2.2): signed by the issuer
		// (checked by the parser), with id-kp-OCSPSigning, currently valid.
		if !slices.Contains(r.Certificate.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
			return &OCSPError{Serial: serial, Reason: "responder certificate lacks id-kp-OCSPSigning"}
		}
		if now.Before(r.Certificate.NotBefore) || now.After(r.Certificate.NotAfter) {
			return &OCSPError{Serial: serial, Reason: "responder certificate expired"}
		}
	}
	if r.ThisUpdate.After(now.Add(c.skew)) {
		return &OCSPError{Serial: serial, Reason: "response from the future"}
	}
	if !r.NextUpdate.IsZero() && r.NextUpdate.Before(now.Add(-c.skew)) {
		return &OCSPError{Serial: serial, Reason: "response is stale"}
	}
	if r.NextUpdate.IsZero() && r.ThisUpdate.Before(now.Add(-c.maxAge)) {
		return &OCSPError{Serial: serial, Reason: "response is too old"}
	}
	return nil
}

func (c *OCSPChecker) fetch(ctx context.Context, server string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, server, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/ocsp-request")
	req.Header.Set("Accept", "application/ocsp-response")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP status %d", resp.StatusCode)
	}
	return boundedio.ReadAll(resp.Body, c.max)
}
