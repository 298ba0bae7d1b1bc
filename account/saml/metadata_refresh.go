package saml

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/boundedio"
	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// IdP metadata refresh. An IdP rolls its signing key over by publishing
// the new certificate next to the old one, then dropping the old one
// (SAML 2.0 metadata §2.4.1.1 allows several signing KeyDescriptors). A
// service provider that loads the metadata once keeps trusting only the old
// key and fails every login after the switch; one that loads it from
// Config.IdPMetadataURL follows the rollover:
//
//   - every copy must carry a valid enveloped signature by one of
//     Config.IdPMetadataSigners (pinned), and its entityID, the binding
//     decided by New and the SSO endpoint rule must still hold;
//   - a copy is used until its refresh is due: the shortest of
//     Config.MetadataRefresh, its cacheDuration and half the time left to
//     its validUntil (metadata §1.2.3, §2.2.1), at least one minute;
//   - the refresh runs in the background, triggered by a login start or a
//     response after it is due (no goroutine lives longer than a fetch);
//   - a failed refresh keeps the last good copy and retries with
//     exponential backoff (one minute, doubling, at most the refresh
//     interval);
//   - once the copy in use has passed its validUntil, logins fail with
//     ErrMetadata until a fresh copy arrives.

// DefaultMetadataRefresh is how long fetched IdP metadata is used at most
// before it is fetched again (Config.MetadataRefresh).
const DefaultMetadataRefresh = time.Hour

const (
	minMetadataRefresh   = time.Minute
	metadataFetchTimeout = 30 * time.Second
)

// idpState is one verified copy of the IdP metadata with the verifier
// pinned to its signing certificates.
type idpState struct {
	md       *IdPMetadata
	verifier *xmldsig.Verifier
	next     time.Time // refresh due
	failures int       // consecutive failed refreshes
}

// readIdPMetadata verifies (with signers) or parses metadata.
func readIdPMetadata(ctx context.Context, data []byte, signers []*x509.Certificate) (*IdPMetadata, error) {
	if len(signers) > 0 {
		return VerifyIdPMetadata(ctx, data, signers)
	}
	return ParseIdPMetadata(data)
}

// checkEndpoint applies the endpoint rule to the SSO location of the
// decided binding.
func (sp *ServiceProvider) checkEndpoint(md *IdPMetadata) error {
	dest := md.SSOPost
	if sp.cfg.Binding == BindingHTTPRedirect {
		dest = md.SSORedirect
	}
	if dest == "" {
		return fmt.Errorf("the IdP metadata no longer offers Binding %s", sp.cfg.Binding)
	}
	if !endpointURL(dest, sp.cfg.InsecureDevelopment) {
		return errors.New("the IdP's SingleSignOnService must be https (plain http to a loopback host only with InsecureDevelopment)")
	}
	return nil
}

// newState builds the state of a good copy md fetched at now (no
// failures).
func (sp *ServiceProvider) newState(md *IdPMetadata, now time.Time) (*idpState, error) {
	v, err := sp.newVerifier(md.SigningCertificates)
	if err != nil {
		return nil, err
	}
	return &idpState{md: md, verifier: v, next: now.Add(sp.refreshInterval(md, now))}, nil
}

func (sp *ServiceProvider) refreshInterval(md *IdPMetadata, now time.Time) time.Duration {
	d := sp.cfg.MetadataRefresh
	if md.CacheDuration > 0 && md.CacheDuration < d {
		d = md.CacheDuration
	}
	if !md.ValidUntil.IsZero() {
		if half := md.ValidUntil.Sub(now) / 2; half < d {
			d = half
		}
	}
	return max(d, minMetadataRefresh)
}

// current returns the metadata copy to use now, triggering a background
// refresh when one is due. It fails when the copy has passed its
// validUntil.
func (sp *ServiceProvider) current(ctx context.Context) (*idpState, error) {
	st := sp.meta.Load()
	now := sp.cfg.Now()
	if sp.cfg.IdPMetadataURL != "" && !now.Before(st.next) && sp.refreshes.CompareAndSwap(false, true) {
		go func() {
			defer sp.refreshes.Store(false)
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), metadataFetchTimeout)
			defer cancel()
			_ = sp.RefreshMetadata(ctx) // logged there
		}()
	}
	if !st.md.ValidUntil.IsZero() && !now.Before(st.md.ValidUntil) {
		sp.cfg.Logger.WarnContext(ctx, "saml: IdP metadata expired; logins refused until a refresh succeeds")
		return nil, &MetadataError{Problems: []string{"IdP metadata expired (validUntil) and no fresh copy"}}
	}
	return st, nil
}

// RefreshMetadata fetches Config.IdPMetadataURL now, verifies it against
// Config.IdPMetadataSigners and, if it is good, uses it for every login
// from now on. On failure it keeps the copy in use, schedules the next
// attempt with backoff, logs a warning and returns the error (wrapping
// ErrMetadata). The service provider refreshes in the background by itself;
// call RefreshMetadata from a maintenance job or after an IdP announced a
// key rollover. Without IdPMetadataURL it returns ErrInvalidConfig.
func (sp *ServiceProvider) RefreshMetadata(ctx context.Context) (err error) {
	ctx, op := sp.tel.Start(ctx, opRefresh, trace.SpanKindClient)
	defer op.End(&err)
	if sp.cfg.IdPMetadataURL == "" {
		return fmt.Errorf("%w: no IdPMetadataURL", ErrInvalidConfig)
	}
	now := sp.cfg.Now()
	st, err := sp.fetchState(ctx, now)
	if err != nil {
		old := sp.meta.Load()
		failed := *old
		failed.failures++
		backoff := min(minMetadataRefresh<<min(failed.failures-1, 16), sp.refreshInterval(old.md, now))
		failed.next = now.Add(backoff)
		sp.meta.Store(&failed)
		sp.cfg.Logger.WarnContext(ctx, "saml: IdP metadata refresh failed; keeping the last good copy",
			"failures", failed.failures, "retry_in", backoff.String(), "reason", err.Error())
		return err
	}
	sp.meta.Store(st)
	sp.cfg.Logger.InfoContext(ctx, "saml: IdP metadata refreshed", "signing_certificates", len(st.md.SigningCertificates),
		"next_refresh", st.next)
	return nil
}

func (sp *ServiceProvider) fetchState(ctx context.Context, now time.Time) (*idpState, error) {
	data, err := fetchMetadata(ctx, sp.cfg.HTTPClient, sp.cfg.IdPMetadataURL)
	if err != nil {
		return nil, err
	}
	md, err := readIdPMetadata(ctx, data, sp.cfg.IdPMetadataSigners)
	if err != nil {
		return nil, err
	}
	switch {
	case md.EntityID != sp.entityID:
		return nil, &MetadataError{Problems: []string{"entityID changed"}}
	case !md.ValidUntil.IsZero() && !now.Before(md.ValidUntil):
		return nil, &MetadataError{Problems: []string{"fetched metadata expired (validUntil)"}}
	}
	if err := sp.checkEndpoint(md); err != nil {
		return nil, &MetadataError{Problems: []string{err.Error()}}
	}
	st, err := sp.newState(md, now)
	if err != nil {
		return nil, &MetadataError{Problems: []string{err.Error()}}
	}
	return st, nil
}

// fetchMetadata GETs a metadata document of at most MaxMetadataBytes.
func fetchMetadata(ctx context.Context, client *http.Client, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &MetadataError{Problems: []string{"IdPMetadataURL: " + err.Error()}}
	}
	req.Header.Set("Accept", "application/samlmetadata+xml, application/xml")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is configuration, not news
		}
		if httpx.IsCertificateError(err) {
			return nil, &MetadataError{Problems: []string{"fetch: TLS certificate not trusted"}}
		}
		return nil, &MetadataError{Problems: []string{"fetch: " + err.Error()}}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &MetadataError{Problems: []string{fmt.Sprintf("fetch: HTTP status %d", resp.StatusCode)}}
	}
	data, err := boundedio.ReadAll(resp.Body, MaxMetadataBytes)
	switch {
	case errors.Is(err, boundedio.ErrTooLarge):
		return nil, &MetadataError{Problems: []string{"fetch: metadata over the size limit"}}
	case err != nil:
		return nil, &MetadataError{Problems: []string{"fetch: " + err.Error()}}
	}
	return data, nil
}

// MetadataStatus describes the IdP metadata copy in use, for health checks
// and monitoring.
type MetadataStatus struct {
	// SigningCertificates is the number of trusted signing certificates
	// (two during a key rollover).
	SigningCertificates int
	// ValidUntil is the copy's validUntil (zero if none).
	ValidUntil time.Time
	// NextRefresh is when the next fetch is due (zero without
	// IdPMetadataURL).
	NextRefresh time.Time
	// Failures counts the refreshes that failed since the last good one.
	Failures int
}

// MetadataStatus reports the IdP metadata copy in use.
func (sp *ServiceProvider) MetadataStatus() MetadataStatus {
	st := sp.meta.Load()
	s := MetadataStatus{SigningCertificates: len(st.md.SigningCertificates), ValidUntil: st.md.ValidUntil, Failures: st.failures}
	if sp.cfg.IdPMetadataURL != "" {
		s.NextRefresh = st.next
	}
	return s
}
