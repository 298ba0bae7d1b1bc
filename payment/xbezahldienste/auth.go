package xbezahldienste

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/internal/redact"
	"github.com/egosaar/ozg/payment/internal/transport"
	"github.com/egosaar/ozg/payment/payprovider"
)

// Auth authenticates the online service to the Bezahldienst. The base
// specification leaves this to each Bezahldienst (see payment/paymenttest/SOURCES.md); the
// package ships OAuth2 client credentials (with optional DPoP), HTTP Basic,
// and mTLS via Config.ClientCertificate. Implementations must be safe for
// concurrent use.
type Auth interface {
	// Authorize adds credentials to req. It is called for every attempt.
	Authorize(ctx context.Context, req *http.Request) error
}

// Refresher is implemented by an Auth whose credentials can be renewed.
// After a 401 answer the adapter calls Refresh once and repeats the request
// once.
type Refresher interface {
	Refresh(ctx context.Context, rejected *http.Response) error
}

// BasicAuth is HTTP Basic authentication (used e.g. by ePay21).
type BasicAuth struct {
	Username string
	Password payprovider.Secret
}

// Authorize implements Auth.
func (b BasicAuth) Authorize(_ context.Context, req *http.Request) error {
	if b.Username == "" || strings.Contains(b.Username, ":") {
		return fmt.Errorf("%w: basic auth: invalid username", ErrInvalidConfig)
	}
	req.SetBasicAuth(b.Username, string(b.Password))
	return nil
}

// DPoPProver creates DPoP proof JWTs (RFC 9449 §4). signature/jose's *DPoP
// implements it: Proof(method, targetURL, accessToken, nonce). accessToken
// is "" for the token request (no ath claim).
type DPoPProver interface {
	Proof(method, targetURL, accessToken, nonce string) (string, error)
}

// OAuth2Config configures OAuth2 client credentials (RFC 6749 §4.4).
type OAuth2Config struct {
	// TokenURL is the token endpoint: https (plain http to a loopback
	// host only with InsecureDevelopment).
	TokenURL string
	// InsecureDevelopment allows a TokenURL with plain http to a
	// loopback host (local simulators). Off by default.
	InsecureDevelopment bool
	ClientID            string
	ClientSecret        payprovider.Secret
	Scopes              []string
	EndpointParams      url.Values
	AuthStyle           oauth2.AuthStyle // zero: auto-detect
	// HTTPClient talks to the token endpoint. nil: http.DefaultClient.
	HTTPClient *http.Client
	// DPoP, when set, binds tokens to the prover's key (RFC 9449): the token
	// request and every API request carry a DPoP proof, and the API request
	// uses the "DPoP" authorization scheme. Server nonces (use_dpop_nonce,
	// §8) are honoured.
	DPoP DPoPProver
}

// OAuth2 is an Auth that fetches and caches client-credentials tokens and
// refreshes them once after a 401.
type OAuth2 struct {
	cfg   OAuth2Config
	cc    clientcredentials.Config
	httpc *http.Client

	mu       sync.Mutex
	tok      *oauth2.Token
	apiNonce string
	tokNonce string
}

// NewOAuth2 validates cfg and returns the Auth.
func NewOAuth2(cfg OAuth2Config) (*OAuth2, error) {
	u, err := url.Parse(cfg.TokenURL)
	if err != nil || !httpx.AllowedEndpoint(u, cfg.InsecureDevelopment) {
		return nil, fmt.Errorf("%w: oauth2: TokenURL must be an https URL", ErrInvalidConfig)
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, fmt.Errorf("%w: oauth2: ClientID and ClientSecret are required", ErrInvalidConfig)
	}
	o := &OAuth2{cfg: cfg}
	o.cc = clientcredentials.Config{
		ClientID: cfg.ClientID, ClientSecret: string(cfg.ClientSecret), TokenURL: cfg.TokenURL,
		Scopes: cfg.Scopes, EndpointParams: cfg.EndpointParams, AuthStyle: cfg.AuthStyle,
	}
	base := cfg.HTTPClient
	if base == nil {
		base = http.DefaultClient
	}
	o.httpc = base
	if cfg.DPoP != nil {
		c := *base
		rt := c.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		c.Transport = &dpopTokenTransport{o: o, next: rt}
		o.httpc = &c
	}
	return o, nil
}

// token returns a valid cached token or fetches one. The mutex makes
// concurrent callers share one token request.
func (o *OAuth2) token(ctx context.Context) (*oauth2.Token, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tok.Valid() {
		return o.tok, nil
	}
	tok, err := o.cc.Token(context.WithValue(ctx, oauth2.HTTPClient, o.httpc))
	if err != nil {
		// x/oauth2 errors may quote the token endpoint's body but never the
		// client secret; keep only the classification.
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("%w: token endpoint answered %d (%s)", payprovider.ErrForbidden, statusOf(re), redact.Clip(re.ErrorCode, 64))
		}
		return nil, fmt.Errorf("xbezahldienste: token request: %w", transport.Error(ctx, err))
	}
	o.tok = tok
	return tok, nil
}

func statusOf(re *oauth2.RetrieveError) int {
	if re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// Authorize implements Auth.
func (o *OAuth2) Authorize(ctx context.Context, req *http.Request) error {
	tok, err := o.token(ctx)
	if err != nil {
		return err
	}
	if o.cfg.DPoP == nil {
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		return nil
	}
	o.mu.Lock()
	nonce := o.apiNonce
	o.mu.Unlock()
	proof, err := o.cfg.DPoP.Proof(req.Method, htu(req.URL), tok.AccessToken, nonce)
	if err != nil {
		return fmt.Errorf("xbezahldienste: dpop proof: %w", err)
	}
	req.Header.Set("Authorization", "DPoP "+tok.AccessToken)
	req.Header.Set("DPoP", proof)
	return nil
}

// Refresh implements Refresher: a DPoP nonce challenge keeps the token and
// stores the nonce; any other 401 drops the cached token so the next
// Authorize fetches a new one.
func (o *OAuth2) Refresh(_ context.Context, rejected *http.Response) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cfg.DPoP != nil && rejected != nil {
		if n := rejected.Header.Get("DPoP-Nonce"); n != "" && strings.Contains(rejected.Header.Get("WWW-Authenticate"), "use_dpop_nonce") {
			o.apiNonce = n
			return nil
		}
	}
	o.tok = nil
	return nil
}

// htu is the DPoP target URI: the request URI without query and fragment
// (RFC 9449 §4.2).
func htu(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment, c.RawFragment = "", "", ""
	return c.String()
}

// dpopTokenTransport adds a DPoP proof to token requests and repeats a
// request once after a use_dpop_nonce challenge (RFC 9449 §5, §8).
type dpopTokenTransport struct {
	o    *OAuth2
	next http.RoundTripper
}

func (t *dpopTokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// Called with o.mu held (from token); nonce fields are only touched here
	// and in Refresh under the same lock, so no locking inside.
	send := func(nonce string) (*http.Response, error) {
		r := req.Clone(req.Context())
		if req.GetBody != nil {
			b, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = b
		}
		proof, err := t.o.cfg.DPoP.Proof(req.Method, htu(req.URL), "", nonce)
		if err != nil {
			return nil, fmt.Errorf("xbezahldienste: dpop proof: %w", err)
		}
		r.Header.Set("DPoP", proof)
		return t.next.RoundTrip(r)
	}
	resp, err := send(t.o.tokNonce)
	if err != nil {
		return nil, err
	}
	if n := resp.Header.Get("DPoP-Nonce"); n != "" && resp.StatusCode == http.StatusBadRequest && n != t.o.tokNonce {
		t.o.tokNonce = n
		resp.Body.Close()
		return send(n)
	}
	return resp, nil
}

// String describes the Auth without secrets or tokens.
func (o *OAuth2) String() string {
	return fmt.Sprintf("xbezahldienste.OAuth2{tokenURL=%s, clientId=%s, dpop=%t}", o.cfg.TokenURL, o.cfg.ClientID, o.cfg.DPoP != nil)
}

// GoString is String.
func (o *OAuth2) GoString() string { return o.String() }
