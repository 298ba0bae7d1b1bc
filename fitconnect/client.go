package fitconnect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/internal/telemetry"
	"github.com/egosaar/ozg/signature/jose"
)

// maxAPIBody bounds JSON answers of the Zustelldienst.
const maxAPIBody = 4 << 20

// Client talks to the FIT-Connect Submission API as a sender and, when
// configured with keys, as a subscriber. It is safe for concurrent use.
type Client struct {
	cfg       Config
	base      string // SubmissionAPI without trailing slash
	prefix    string // "/v1" or "/v2"
	http      *http.Client
	retrier   *httpx.Retrier
	oauth     clientcredentials.Config
	log       *slog.Logger
	issuer    string
	decrypter *jose.Decrypter
	signer    *jose.SETSigner
	tel       *telemetry.Telemetry

	mu       sync.Mutex
	token    *oauth2.Token
	zdSet    jwk.Set // Zustelldienst SET keys, loaded lazily
	zdLoaded time.Time
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	sub, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.Environment.SubmissionAPI, "/"), prefix: "/v2", tel: newTelemetry(&cfg)}
	if cfg.APIVersion == V1 {
		c.prefix = "/v1"
	}
	if c.cfg.Now == nil {
		c.cfg.Now = time.Now
	}
	if c.cfg.TokenSkew == 0 {
		c.cfg.TokenSkew = time.Minute
	}
	if c.cfg.MaxAttempts == 0 {
		c.cfg.MaxAttempts = 4
	}
	if c.cfg.MaxSubmissionBytes == 0 {
		c.cfg.MaxSubmissionBytes = 64 << 20
	}
	c.log = cfg.Logger
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	base := cfg.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: 60 * time.Second}
	}
	hc := *base
	tr := hc.Transport
	if tr == nil {
		tr = http.DefaultTransport
	}
	hc.Transport = rateLimitReset{tr}
	c.http = &hc
	c.retrier = &httpx.Retrier{Client: c.http, Backoff: httpx.Backoff{MaxAttempts: c.cfg.MaxAttempts}, Now: c.cfg.Now}
	c.oauth = clientcredentials.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.Environment.TokenURL,
		Scopes: cfg.Scopes, AuthStyle: oauth2.AuthStyleInParams,
	}
	c.issuer = cfg.ZustelldienstIssuer
	if c.issuer == "" {
		c.issuer = sub.Scheme + "://" + sub.Host
	}
	if len(cfg.DecryptionKeys) > 0 {
		if c.decrypter, err = jose.NewDecrypter(jose.DecrypterConfig{Keys: cfg.DecryptionKeys, MaxBytes: c.cfg.MaxSubmissionBytes}); err != nil {
			return nil, fmt.Errorf("%w: decryption keys: %w", ErrInvalidConfig, err)
		}
	}
	if cfg.SigningKey != nil {
		if err := checkRSA4096(cfg.SigningKey.Public()); err != nil {
			return nil, fmt.Errorf("%w: signing key: %w", ErrInvalidConfig, err)
		}
		if c.signer, err = jose.NewSETSigner(jose.SETSignerConfig{Key: cfg.SigningKey, KeyID: cfg.SigningKeyID, Now: c.cfg.Now}); err != nil {
			return nil, fmt.Errorf("%w: signing key: %w", ErrInvalidConfig, err)
		}
	}
	return c, nil
}

// rateLimitReset turns the RateLimit-Reset header of a 429 answer
// (FIT-Connect "Rate Limiting": seconds until the window resets) into
// Retry-After, which the retrier honours.
type rateLimitReset struct{ http.RoundTripper }

func (t rateLimitReset) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.RoundTripper.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
		if s := resp.Header.Get("RateLimit-Reset"); s != "" {
			if n, perr := strconv.Atoi(s); perr == nil && n >= 0 {
				resp.Header.Set("Retry-After", s)
			}
		}
	}
	return resp, err
}

// accessToken returns the cached token or fetches one; it is renewed
// TokenSkew before its expiry.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != nil && c.cfg.Now().Add(c.cfg.TokenSkew).Before(c.token.Expiry) {
		return c.token.AccessToken, nil
	}
	tok, err := c.oauth.Token(context.WithValue(ctx, oauth2.HTTPClient, c.http))
	if err != nil {
		if httpx.IsCertificateError(err) {
			return "", &CertificateError{Err: err}
		}
		return "", fmt.Errorf("%w: %w", ErrToken, err)
	}
	// oauth2 sets Expiry from the real clock; re-base the lifetime on
	// Config.Now. A token without expires_in is kept five minutes.
	lifetime := 5 * time.Minute
	if !tok.Expiry.IsZero() {
		lifetime = time.Until(tok.Expiry)
	}
	tok.Expiry = c.cfg.Now().Add(lifetime)
	c.token = tok
	return tok.AccessToken, nil
}

func (c *Client) dropToken() {
	c.mu.Lock()
	c.token = nil
	c.mu.Unlock()
}

func (c *Client) transportErr(op string, err error) error {
	if httpx.IsCertificateError(err) {
		return &CertificateError{Err: err}
	}
	return fmt.Errorf("fitconnect: %s: %w", op, err)
}

// request describes one API call.
type request struct {
	method, path string
	contentType  string
	body         func() (io.Reader, int64) // nil: no body
	idempotent   bool
	auth         bool
	absolute     bool // path is a full URL
}

// do sends r and returns the response for a 2xx status; other statuses
// become *ProblemError. Idempotent requests are retried (429 with
// RateLimit-Reset/Retry-After, 5xx, transport errors, never certificate
// errors); a 401 drops the cached token and is tried once more.
func (c *Client) do(ctx context.Context, r request) (*http.Response, error) {
	for try := 0; ; try++ {
		resp, err := c.send(ctx, r)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && r.auth && try == 0 {
			httpx.DrainAndClose(resp)
			c.dropToken()
			continue
		}
		if resp.StatusCode/100 != 2 {
			return nil, problem(resp)
		}
		return resp, nil
	}
}

func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	var token string
	if r.auth {
		var err error
		if token, err = c.accessToken(ctx); err != nil {
			return nil, err
		}
	}
	u := r.path
	if !r.absolute {
		u = c.base + r.path
	}
	newReq := func(ctx context.Context) (*http.Request, error) {
		var body io.Reader
		var n int64
		if r.body != nil {
			body, n = r.body()
		}
		req, err := http.NewRequestWithContext(ctx, r.method, u, body)
		if err != nil {
			return nil, err
		}
		if r.body != nil {
			req.ContentLength = n
			req.Header.Set("Content-Type", r.contentType)
		}
		req.Header.Set("Accept", "application/json, application/problem+json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req, nil
	}
	var resp *http.Response
	var err error
	if r.idempotent {
		resp, err = c.retrier.Do(ctx, newReq)
	} else {
		var req *http.Request
		if req, err = newReq(ctx); err == nil {
			resp, err = c.http.Do(req)
		}
	}
	if err != nil {
		return nil, c.transportErr(r.method+" "+r.path, err)
	}
	return resp, nil
}

// problem reads an error answer (RFC 7807 when it parses) into a
// *ProblemError.
func problem(resp *http.Response) error {
	body, _ := httpx.ReadBody(resp, 64<<10)
	return parseProblem(resp.StatusCode, body)
}

func parseProblem(status int, body []byte) *ProblemError {
	p := &ProblemError{}
	if json.Unmarshal(body, p) != nil || !validProblem(p) {
		p = &ProblemError{}
	}
	p.Status = status
	return p
}

func validProblem(p *ProblemError) bool {
	return len(p.Type) < 1024 && len(p.Title) < 1024 && len(p.Detail) < 8192 && len(p.Instance) < 1024
}

// getJSON GETs path and decodes the bounded JSON answer into out.
func (c *Client) getJSON(ctx context.Context, path string, auth bool, out any) error {
	return c.callJSON(ctx, request{method: http.MethodGet, path: path, idempotent: true, auth: auth}, out)
}

func (c *Client) callJSON(ctx context.Context, r request, out any) error {
	resp, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	body, err := httpx.ReadBody(resp, maxAPIBody)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformedResponse, r.path, err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%w: %s: not the expected JSON", ErrMalformedResponse, r.path)
	}
	return nil
}

func jsonBody(v any) (func() (io.Reader, int64), error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("fitconnect: encode request: %w", err)
	}
	return func() (io.Reader, int64) { return bytes.NewReader(b), int64(len(b)) }, nil
}

var errNotRSA4096 = errors.New("RSA key of at least 4096 bits with e=65537 required")
