package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/notify"
)

// Endpoint is a receiver of webhooks.
type Endpoint struct {
	ID  string
	URL string
	// Secrets sign every request; the first is current, further ones are
	// kept during rotation (Standard Webhooks sends one v1 signature per
	// secret; FIT-Connect has room for one, so only the first is used).
	Secrets []Secret
	Profile Profile
}

// EndpointSource resolves endpoint IDs. Secrets stay out of the job
// table: notify stores only the endpoint ID. Implementations must be
// safe for concurrent use and return an error wrapping
// ErrUnknownEndpoint for unknown IDs.
type EndpointSource interface {
	Endpoint(ctx context.Context, id string) (Endpoint, error)
}

// StaticEndpoints is an EndpointSource backed by a map.
type StaticEndpoints map[string]Endpoint

// Endpoint implements EndpointSource.
func (s StaticEndpoints) Endpoint(_ context.Context, id string) (Endpoint, error) {
	e, ok := s[id]
	if !ok {
		return Endpoint{}, fmt.Errorf("%w: %q", ErrUnknownEndpoint, id)
	}
	return e, nil
}

// SenderConfig configures a Sender.
type SenderConfig struct {
	// Endpoints resolves the endpoint IDs of events without a tenant
	// (Event.Tenant ""). Required unless Tenants is set; a multi-tenant
	// deployment leaves it nil, so an event that names no tenant is
	// refused.
	Endpoints EndpointSource
	// Tenants resolves endpoint IDs per tenant key (Event.Tenant): an
	// event of tenant T is sent only to endpoints of Tenants[T], signed
	// with their secrets, so one tenant can neither name another's
	// endpoint nor sign with its secret. An event whose tenant has no
	// source here is refused at enqueue with a *notify.TenantError.
	// Default nil: no tenants. NewSender copies the map.
	Tenants map[string]EndpointSource
	// HTTPClient sends the requests. nil: a client dialling through
	// Guard, without proxy, TLS ≥ 1.2. A caller-supplied client is used
	// as given except that redirects are never followed; it is then the
	// caller's job to guard against SSRF.
	HTTPClient *http.Client
	// Guard is the SSRF guard of the default client; nil blocks every
	// special-purpose range.
	Guard *Guard
	// InsecureDevelopment is the module's development switch: it permits
	// http:// endpoint URLs on loopback hosts (localhost, 127.0.0.0/8,
	// ::1) for tests and local demos. Default false: https only, because a
	// signed body on plain http can be read and replayed on the way.
	// Production profiles refuse it.
	InsecureDevelopment bool
	// UserAgent is sent with each request. Default "ozg-notify/1".
	UserAgent string
	// Now is the clock for webhook-timestamp; nil: time.Now.
	Now func() time.Time
	// Timeout bounds one attempt when ctx has no earlier deadline
	// (notify sets its AttemptTimeout). Default 15 s (Standard Webhooks:
	// 15-30 s).
	Timeout time.Duration
}

// Sender is the webhook notify.Channel ("webhook"). It is safe for
// concurrent use.
type Sender struct {
	cfg     SenderConfig
	client  *http.Client
	tenants map[string]EndpointSource // by tenant key; "" is SenderConfig.Endpoints, if set
}

// NewSender returns a Sender.
func NewSender(cfg SenderConfig) (*Sender, error) {
	if cfg.Endpoints == nil && len(cfg.Tenants) == 0 {
		return nil, fmt.Errorf("%w: SenderConfig.Endpoints or Tenants required", ErrInvalidConfig)
	}
	tenants := make(map[string]EndpointSource, len(cfg.Tenants)+1)
	for t, src := range cfg.Tenants {
		switch {
		case t == "" || !notify.ValidTenant(t):
			return nil, fmt.Errorf("%w: Tenants: invalid tenant key (use Endpoints for the default tenant)", ErrInvalidConfig)
		case src == nil:
			return nil, fmt.Errorf("%w: Tenants[%q] is nil", ErrInvalidConfig, t)
		}
		tenants[t] = src
	}
	if cfg.Endpoints != nil {
		tenants[""] = cfg.Endpoints
	}
	cfg.Tenants = nil // copied into tenants
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "ozg-notify/1"
	}
	var client http.Client
	if cfg.HTTPClient != nil {
		client = *cfg.HTTPClient
	} else {
		g := cfg.Guard
		if g == nil {
			g = &Guard{}
		}
		d := g.Dialer()
		d.Timeout = 10 * time.Second
		client.Transport = &http.Transport{
			Proxy:                 nil, // a proxy would bypass the guard
			DialContext:           d.DialContext,
			TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout:   10 * time.Second,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          200,
			MaxIdleConnsPerHost:   100,
			IdleConnTimeout:       90 * time.Second,
			ResponseHeaderTimeout: 0, // the per-attempt context bounds it
		}
	}
	// Standard Webhooks: 3xx is a failure; redirects are never followed.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Sender{cfg: cfg, client: &client, tenants: tenants}, nil
}

// Name implements notify.Channel.
func (s *Sender) Name() string { return notify.ChannelWebhook }

// endpoints returns the endpoint source of tenant ("" the default).
func (s *Sender) endpoints(tenant string) (EndpointSource, bool) {
	src, ok := s.tenants[tenant]
	return src, ok
}

// ServesTenant implements notify.TenantChannel: true for a tenant in
// SenderConfig.Tenants, and for "" if SenderConfig.Endpoints is set.
func (s *Sender) ServesTenant(tenant string) bool {
	_, ok := s.endpoints(tenant)
	return ok
}

// LogTarget implements notify.TargetLogger: endpoint IDs are not
// personal data.
func (s *Sender) LogTarget(target string) string { return target }

// Payload returns the request body for ev: the Standard Webhooks
// envelope {type, timestamp, data} as a [Notification]. It depends only
// on ev, so every retry sends the same bytes.
func Payload(ev notify.Event) ([]byte, error) {
	return json.Marshal(Notification{
		Type:      ev.EventType(),
		Timestamp: ev.OccurredAt.UTC(),
		Data: NotificationData{
			EventID: ev.ID, ApplicationID: ev.ApplicationID, Transition: ev.Transition, Sequence: ev.Sequence, Status: ev.Status,
			Payment: ev.Payment, PublicServiceName: ev.PublicServiceName, SenderName: ev.SenderName,
			StatusDetails: ev.StatusDetails, AdditionalInformation: ev.AdditionalInformation,
		},
	})
}

// Deliver implements notify.Channel: one signed POST.
func (s *Sender) Deliver(ctx context.Context, d notify.Delivery) error {
	src, ok := s.endpoints(d.Event.Tenant)
	if !ok {
		// Enqueue refuses such events; the configuration changed since.
		return &notify.DeliveryError{Class: notify.ClassConfig, Permanent: true,
			Err: &notify.TenantError{Tenant: d.Event.Tenant, Channel: notify.ChannelWebhook}}
	}
	ep, err := src.Endpoint(ctx, d.Target)
	if err != nil {
		perm := errors.Is(err, ErrUnknownEndpoint)
		return &notify.DeliveryError{Class: notify.ClassConfig, Permanent: perm, Err: err}
	}
	if err := s.checkEndpoint(ep); err != nil {
		return &notify.DeliveryError{Class: notify.ClassConfig, Permanent: true, Err: err}
	}
	body, err := Payload(d.Event)
	if err != nil {
		return &notify.DeliveryError{Class: notify.ClassInternal, Permanent: true, Err: err}
	}
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > s.cfg.Timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return &notify.DeliveryError{Class: notify.ClassConfig, Permanent: true, Err: err}
	}
	ts := s.cfg.Now()
	id := string(d.Event.ID)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	req.Header[canonID] = []string{id}
	tsStr, err := signTimestamp(ts)
	if err != nil {
		return &notify.DeliveryError{Class: notify.ClassConfig, Permanent: true, Err: err}
	}
	var sig string
	if ep.Profile == FITConnect {
		req.Header[canonFCTS] = []string{tsStr}
		sig, err = SignFITConnect(ts, body, ep.Secrets[0])
		req.Header[canonFCSig] = []string{sig}
	} else {
		req.Header[canonTS] = []string{tsStr}
		sig, err = Sign(id, ts, body, ep.Secrets...)
		req.Header[canonSig] = []string{sig}
	}
	if err != nil {
		return &notify.DeliveryError{Class: notify.ClassConfig, Permanent: true, Err: err}
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return transportError(ctx, err)
	}
	defer httpx.DrainAndClose(resp)
	return statusError(ctx, resp, ts)
}

// checkEndpoint refuses an endpoint no request may go to: a URL that is
// not https (or loopback http with InsecureDevelopment), carries
// credentials, or an endpoint without secrets or with a zero secret in
// any rotation slot.
func (s *Sender) checkEndpoint(ep Endpoint) error {
	u, err := url.Parse(ep.URL)
	if err != nil || !httpx.AllowedEndpoint(u, s.cfg.InsecureDevelopment) {
		return ErrInsecureURL
	}
	if len(ep.Secrets) == 0 {
		return fmt.Errorf("%w: endpoint has no secrets", ErrInvalidSecret)
	}
	for i, sec := range ep.Secrets {
		if sec.IsZero() {
			return fmt.Errorf("%w: secret %d is zero", ErrInvalidSecret, i)
		}
	}
	return nil
}

// ValidateRoute implements notify.RouteValidator: the endpoint must be
// known to the EndpointSource of the event's tenant and pass the checks
// Deliver applies (URL, secrets). It resolves the endpoint but sends
// nothing.
func (s *Sender) ValidateRoute(ctx context.Context, ev notify.Event, target string) error {
	src, ok := s.endpoints(ev.Tenant)
	if !ok {
		return &notify.TenantError{Tenant: ev.Tenant, Channel: notify.ChannelWebhook}
	}
	ep, err := src.Endpoint(ctx, target)
	if err != nil {
		if errors.Is(err, ErrUnknownEndpoint) {
			return fmt.Errorf("%w: %w", err, &notify.FieldError{Field: "endpoint", Reason: "unknown endpoint ID"})
		}
		return fmt.Errorf("webhook: resolve endpoint: %w", err)
	}
	if err := s.checkEndpoint(ep); err != nil {
		reason := "URL must be https"
		field := "url"
		if errors.Is(err, ErrInvalidSecret) {
			field, reason = "secrets", "no secret or a zero secret in a rotation slot"
		}
		return fmt.Errorf("%w: %w", err, &notify.FieldError{Field: field, Reason: reason})
	}
	return nil
}

func transportError(ctx context.Context, err error) error {
	var be *BlockedAddressError
	switch {
	case errors.As(err, &be) || errors.Is(err, ErrBlockedAddress):
		return &notify.DeliveryError{Class: notify.ClassBlocked, Permanent: true, Err: ErrBlockedAddress}
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return &notify.DeliveryError{Class: notify.ClassTimeout, Err: context.DeadlineExceeded}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &notify.DeliveryError{Class: notify.ClassTimeout, Err: errors.New("webhook: network timeout")}
	}
	// The transport error text may contain the URL; keep only the class.
	return &notify.DeliveryError{Class: notify.ClassConnection, Err: errors.New("webhook: connection failed")}
}

func statusError(ctx context.Context, resp *http.Response, now time.Time) error {
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		notify.ReportStatus(ctx, code)
		return nil
	case code == http.StatusGone:
		return &notify.DeliveryError{Class: notify.ClassGone, StatusCode: code, Gone: true}
	case code >= 300 && code < 400:
		return &notify.DeliveryError{Class: notify.ClassRedirect, StatusCode: code}
	case code == http.StatusTooManyRequests:
		ra, _ := httpx.RetryAfter(resp.Header, now)
		return &notify.DeliveryError{Class: notify.ClassThrottled, StatusCode: code, RetryAfter: ra}
	case code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout:
		ra, _ := httpx.RetryAfter(resp.Header, now)
		return &notify.DeliveryError{Class: notify.ClassUnavailable, StatusCode: code, RetryAfter: ra}
	case code >= 500:
		return &notify.DeliveryError{Class: notify.ClassServer, StatusCode: code}
	default:
		return &notify.DeliveryError{Class: notify.ClassClient, StatusCode: code}
	}
}
