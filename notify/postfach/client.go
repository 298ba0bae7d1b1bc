package postfach

import (
	"bytes"
	"context"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/signature"
)

// Transport sends messages and status updates to the ZBP. *Client talks
// to the ZBP REST interface directly (inside the NdB/Verbindungsnetz);
// a FIT-Connect "Brückenkopf" bridge for systems outside implements the
// same interface (FIT-Connect service identifiers
// urn:schema-fitko-de:fit-connect:id.bund.de:message_v6 and …:status_v6).
// Implementations must validate before sending and be
// safe for concurrent use.
type Transport interface {
	SendMessage(ctx context.Context, m Message) error
	SendStatus(ctx context.Context, u StatusUpdate) error
}

// Default paths below BaseURL. The official "ZBP
// Schnittstellenbeschreibung" is only on the BundID self-service portal
// and not public; set the paths from your onboarding papers.
const (
	DefaultMessagePath = "/messages"
	DefaultStatusPath  = "/status-updates"
)

// Config configures a Client.
type Config struct {
	// BaseURL of the ZBP REST interface (https). Required.
	BaseURL string
	// ClientKeyPair is the authority's BundID-Postfach (BPKI) key and
	// certificate, e.g. from signature.LoadPKCS12. Required unless
	// HTTPClient carries the client certificate.
	ClientKeyPair *signature.KeyPair
	// RootCAs verifies the ZBP server; nil: system roots.
	RootCAs *x509.CertPool
	// HTTPClient overrides the mTLS client built from the fields above.
	HTTPClient *http.Client
	// MessagePath and StatusPath default to DefaultMessagePath and
	// DefaultStatusPath.
	MessagePath string
	StatusPath  string
	// Timeout bounds one request when ctx has no earlier deadline.
	// Default 15 s.
	Timeout time.Duration
	// Now is the clock used to read Retry-After dates; nil: time.Now.
	Now func() time.Time
}

// Client is the ZBP REST client. It is safe for concurrent use.
type Client struct {
	cfg    Config
	client *http.Client
	base   *url.URL
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("%w: BaseURL must be an https URL", ErrInvalidConfig)
	}
	if cfg.MessagePath == "" {
		cfg.MessagePath = DefaultMessagePath
	}
	if cfg.StatusPath == "" {
		cfg.StatusPath = DefaultStatusPath
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hc := cfg.HTTPClient
	if hc == nil {
		if cfg.ClientKeyPair == nil {
			return nil, fmt.Errorf("%w: ClientKeyPair required for mTLS", ErrInvalidConfig)
		}
		hc = &http.Client{Transport: &http.Transport{
			TLSClientConfig: &tls.Config{
				MinVersion:   tls.VersionTLS12,
				RootCAs:      cfg.RootCAs,
				Certificates: []tls.Certificate{cfg.ClientKeyPair.TLSCertificate()},
			},
			ForceAttemptHTTP2:   true,
			TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConnsPerHost: 16,
		}}
	}
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{cfg: cfg, client: &c, base: u}, nil
}

// SendMessage validates m (nothing is sent if a limit is violated or
// StorkQaaLevel is empty), fills
// the attachment checksums and posts it.
func (c *Client) SendMessage(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	atts := make([]Attachment, len(m.Attachments))
	for i, a := range m.Attachments {
		sum := sha512.Sum512(a.Content)
		a.SHA512Sum, a.ContentLength = hex.EncodeToString(sum[:]), len(a.Content)
		atts[i] = a
	}
	m.Attachments = atts
	return c.post(ctx, c.cfg.MessagePath, m)
}

// SendStatus validates u and posts it to the Statusmonitor.
func (c *Client) SendStatus(ctx context.Context, u StatusUpdate) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.CreatedDate = u.CreatedDate.UTC()
	return c.post(ctx, c.cfg.StatusPath, u)
}

// StatusError is a ZBP HTTP failure; it wraps ErrRejected (4xx) or
// ErrUnavailable (429, 5xx). Problem holds the RFC 9457 title/type if
// the ZBP sent one (never message content).
type StatusError struct {
	StatusCode int
	RetryAfter time.Duration
	Problem    string
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("postfach: ZBP answered %d", e.StatusCode)
	if e.Problem != "" {
		s += ": " + e.Problem
	}
	return s
}

// Unwrap returns ErrRejected or ErrUnavailable.
func (e *StatusError) Unwrap() error {
	if e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500 {
		return ErrUnavailable
	}
	return ErrRejected
}

func (c *Client) post(ctx context.Context, path string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
	}
	u := c.base.JoinPath(path)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, application/problem+json")
	resp, err := c.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return fmt.Errorf("%w: %w", ErrUnavailable, context.DeadlineExceeded)
		}
		return fmt.Errorf("%w: connection failed", ErrUnavailable)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		httpx.DrainAndClose(resp)
		notify.ReportStatus(ctx, resp.StatusCode) // for notify's delivery log
		return nil
	}
	se := &StatusError{StatusCode: resp.StatusCode}
	se.RetryAfter, _ = httpx.RetryAfter(resp.Header, c.cfg.Now())
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if b, err := httpx.ReadBody(resp, 64<<10); err == nil {
			var p struct{ Title, Type string }
			if json.Unmarshal(b, &p) == nil {
				se.Problem = firstNonEmpty(p.Title, p.Type)
				if len(se.Problem) > 200 {
					se.Problem = se.Problem[:200]
				}
			}
		}
	} else {
		httpx.DrainAndClose(resp)
	}
	return se
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
