package xbezahldienste

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/internal/transport"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// Config configures a Provider. A Config must not be modified after New.
type Config struct {
	// BaseURL is the Bezahldienst's API root, e.g.
	// "https://epayment.example/konnektor/epayment". https is required
	// (plain http to a loopback host only with InsecureDevelopment).
	BaseURL string
	// InsecureDevelopment allows BaseURL (and an OAuth2 TokenURL passed
	// through this package) with plain http to a loopback host, for local
	// simulators. It relaxes nothing else. Off by default: https only.
	InsecureDevelopment bool
	// OriginatorID identifies the online service (≤ 36, [A-Za-z0-9_-]).
	OriginatorID string
	// EndpointID identifies the authority / Mandant (≤ 36, [A-Za-z0-9_-]).
	EndpointID string
	// HTTPClient sends the requests. nil: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Auth authenticates requests. nil: none (only for Bezahldienste that
	// authenticate by ClientCertificate alone).
	Auth Auth
	// ClientCertificate, when set, is presented in the TLS handshake
	// (mTLS, e.g. ePayBL via Dataport konnektor). Load it with
	// LoadClientCertificate or crypto/tls.
	ClientCertificate *tls.Certificate
	// RetryBackoff governs GET retries (jittered exponential backoff,
	// Retry-After honoured). Zero: 3 attempts from 200 ms.
	RetryBackoff payment.Backoff
	// MaxBody bounds response bodies. Default 1 MiB.
	MaxBody int64
	// Now is the clock for Retry-After dates. nil: time.Now.
	Now func() time.Time
	// Sleep waits between GET retries. nil: ctx-aware sleep.
	Sleep func(context.Context, time.Duration) error
	// Logger receives retries (Warn). nil: slog.Default().
	Logger *slog.Logger
}

// ErrInvalidConfig is wrapped by every configuration error of New,
// NewOAuth2, NewBasic and Config.Validate.
var ErrInvalidConfig = errors.New("xbezahldienste: invalid configuration")

// Provider is the XBezahldienste adapter. It implements payprovider.Provider
// and payprovider.Recoverer and is safe for concurrent use.
type Provider struct {
	cfg     Config
	base    *url.URL
	client  *http.Client
	retrier *httpx.Retrier
	// txBase is .../paymenttransaction/{originatorId}/{endPointId}, built
	// once: every create and pull starts with it.
	txBase string
}

var (
	_ payprovider.Provider  = (*Provider)(nil)
	_ payprovider.Recoverer = (*Provider)(nil)
)

// Validate reports a configuration error.
func (c *Config) Validate() error {
	_, err := c.baseURL()
	return err
}

func (c *Config) baseURL() (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(c.BaseURL, "/"))
	if err == nil && (u.User != nil || u.RawQuery != "" || u.Fragment != "") {
		return nil, fmt.Errorf("%w: BaseURL must not carry credentials, query or fragment", ErrInvalidConfig)
	}
	if err != nil || !httpx.AllowedEndpoint(u, c.InsecureDevelopment) {
		return nil, fmt.Errorf("%w: BaseURL must be an absolute https URL", ErrInvalidConfig)
	}
	if err := paytype.CheckID("originatorId", c.OriginatorID); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if err := paytype.CheckID("endPointId", c.EndpointID); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return u, nil
}

// New validates cfg and returns a Provider.
func New(cfg Config) (*Provider, error) {
	u, err := cfg.baseURL()
	if err != nil {
		return nil, err
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.ClientCertificate != nil {
		client, err = withClientCertificate(client, *cfg.ClientCertificate)
		if err != nil {
			return nil, err
		}
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = httpx.DefaultMaxBody
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	p := &Provider{cfg: cfg, base: u, client: client}
	p.retrier = &httpx.Retrier{Client: client, Backoff: httpx.Backoff(cfg.RetryBackoff), Now: cfg.Now, Sleep: cfg.Sleep}
	p.txBase = p.endpoint("paymenttransaction", cfg.OriginatorID, cfg.EndpointID)
	return p, nil
}

func withClientCertificate(c *http.Client, cert tls.Certificate) (*http.Client, error) {
	var tr *http.Transport
	switch t := c.Transport.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		tr = t.Clone()
	default:
		return nil, fmt.Errorf("%w: ClientCertificate needs an *http.Transport in HTTPClient", ErrInvalidConfig)
	}
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tr.TLSClientConfig.Certificates = []tls.Certificate{cert}
	nc := *c
	nc.Transport = tr
	return &nc, nil
}

func (p *Provider) endpoint(parts ...string) string {
	segs := []string{p.base.String()}
	for _, s := range parts {
		segs = append(segs, url.PathEscape(s))
	}
	return strings.Join(segs, "/")
}

// Create implements payprovider.Provider: POST
// /paymenttransaction/{originatorId}/{endPointId} (XBezahldienste 1.0.0
// initiate-payment-transaction). It sends once (plus once more after a 401
// with refreshed credentials; a 401 means the request was not processed).
// Transport errors wrap payprovider.ErrUnavailable; a failed certificate
// check is a *payprovider.CertificateError.
func (p *Provider) Create(ctx context.Context, sub *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	body, err := EncodeRequest(sub)
	if err != nil {
		return nil, err
	}
	target := p.txBase
	newReq := func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, application/problem+json")
		return req, p.authorize(ctx, req)
	}
	resp, err := p.send(ctx, newReq, func(ctx context.Context, nr func(context.Context) (*http.Request, error)) (*http.Response, error) {
		req, err := nr(ctx)
		if err != nil {
			return nil, err
		}
		return p.client.Do(req)
	})
	if err != nil {
		return nil, err
	}
	return p.decode(resp, http.StatusOK, http.StatusCreated)
}

// Get implements payprovider.Provider: GET
// /paymenttransaction/{originatorId}/{endPointId}/{transactionId}, retried
// with backoff. The transactionUrl reported by the Bezahldienst is not
// followed: credentials go only to the configured BaseURL.
func (p *Provider) Get(ctx context.Context, ref payprovider.Ref) (*payprovider.ProviderTransaction, error) {
	if ref.TransactionID == "" {
		return nil, fmt.Errorf("%w: transactionId missing", paystore.ErrNotFound)
	}
	return p.get(ctx, p.txBase+"/"+url.PathEscape(ref.TransactionID))
}

// Recover implements payprovider.Recoverer for Bezahldienste that use the
// requestId as transactionId (allowed by the specification: "Falls der
// Bezahldienst keine eigenen IDs vergibt, kann die requestId zurückgegeben
// werden"). Others answer 404, which yields paystore.ErrNotFound.
func (p *Provider) Recover(ctx context.Context, sub *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	pt, err := p.get(ctx, p.txBase+"/"+url.PathEscape(sub.RequestID))
	if err != nil {
		return nil, err
	}
	if pt.RequestID != "" && pt.RequestID != sub.RequestID {
		return nil, &payment.MismatchError{RequestID: sub.RequestID, Field: "requestId"}
	}
	return pt, nil
}

// Status checks the configuration at the Bezahldienst: GET
// /status/{originatorId}/{endPointId}. nil means 200.
func (p *Provider) Status(ctx context.Context) error {
	resp, err := p.sendGet(ctx, p.endpoint("status", p.cfg.OriginatorID, p.cfg.EndpointID))
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusOK {
		httpx.DrainAndClose(resp)
		return nil
	}
	return p.errorFrom(resp)
}

func (p *Provider) get(ctx context.Context, target string) (*payprovider.ProviderTransaction, error) {
	resp, err := p.sendGet(ctx, target)
	if err != nil {
		return nil, err
	}
	return p.decode(resp, http.StatusOK)
}

func (p *Provider) sendGet(ctx context.Context, target string) (*http.Response, error) {
	newReq := func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json, application/problem+json")
		return req, p.authorize(ctx, req)
	}
	return p.send(ctx, newReq, p.retrier.Do)
}

// send runs do and, after a 401, refreshes the credentials once and runs it
// once more.
func (p *Provider) send(ctx context.Context, newReq func(context.Context) (*http.Request, error),
	do func(context.Context, func(context.Context) (*http.Request, error)) (*http.Response, error)) (*http.Response, error) {
	resp, err := do(ctx, newReq)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	if resp.StatusCode != http.StatusUnauthorized {
		return resp, nil
	}
	ref, ok := p.cfg.Auth.(Refresher)
	if !ok {
		return resp, nil
	}
	rerr := ref.Refresh(ctx, resp)
	httpx.DrainAndClose(resp)
	if rerr != nil {
		return nil, rerr
	}
	resp, err = do(ctx, newReq)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	return resp, nil
}

func (p *Provider) authorize(ctx context.Context, req *http.Request) error {
	if p.cfg.Auth == nil {
		return nil
	}
	return p.cfg.Auth.Authorize(ctx, req)
}

func transportError(ctx context.Context, err error) error { return transport.Error(ctx, err) }

func (p *Provider) decode(resp *http.Response, ok ...int) (*payprovider.ProviderTransaction, error) {
	for _, s := range ok {
		if resp.StatusCode == s {
			body, err := httpx.ReadBody(resp, p.cfg.MaxBody)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", payprovider.ErrProtocol, err)
			}
			return DecodeTransaction(body)
		}
	}
	return nil, p.errorFrom(resp)
}

func (p *Provider) errorFrom(resp *http.Response) error {
	body, err := httpx.ReadBody(resp, 64<<10)
	if err != nil {
		body = nil
	}
	return ProblemError(resp.StatusCode, body)
}

// String describes the provider without secrets.
func (p *Provider) String() string {
	return fmt.Sprintf("xbezahldienste.Provider{base=%s, originatorId=%s, endPointId=%s}", p.base.Redacted(), p.cfg.OriginatorID, p.cfg.EndpointID)
}

// GoString is String.
func (p *Provider) GoString() string { return p.String() }
