package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/postfach"
)

// TLSPolicy is the STARTTLS policy.
type TLSPolicy int

const (
	// TLSMandatory (default) refuses to send unless the server offers
	// STARTTLS and the handshake succeeds with a verified certificate.
	TLSMandatory TLSPolicy = iota
	// TLSOpportunistic uses STARTTLS when offered.
	TLSOpportunistic
	// InsecureNoTLS sends in clear text (local test servers only).
	InsecureNoTLS
)

// Sentinel errors.
var (
	ErrInvalidConfig  = errors.New("email: invalid configuration")
	ErrInvalidAddress = errors.New("email: invalid recipient address")
	ErrTooLarge       = errors.New("email: message too large")
)

// Config configures a Sender.
type Config struct {
	// Host and Port of the submission server. Port default 587 (465 with
	// ImplicitTLS).
	Host string
	Port int
	// ImplicitTLS uses SMTPS (TLS from the first byte, port 465).
	ImplicitTLS bool
	// TLSPolicy applies to STARTTLS; default TLSMandatory.
	TLSPolicy TLSPolicy
	// TLSConfig customises TLS (e.g. RootCAs); nil: system roots, TLS ≥ 1.2.
	TLSConfig *tls.Config
	// Username and Password enable SMTP AUTH PLAIN (only over TLS unless
	// TLSPolicy is InsecureNoTLS).
	Username string
	Password string
	// From is the sender address of events without a tenant
	// (Event.Tenant ""); FromName its display name (UTF-8). Required
	// unless Tenants is set. A multi-tenant deployment leaves it empty, so
	// an event that names no tenant is refused instead of going out under
	// a shared identity.
	From     string
	FromName string
	// MessageIDDomain is the right-hand side of Message-ID
	// (<EventID@MessageIDDomain>) of mail From. Default: the domain of From.
	MessageIDDomain string
	// Tenants are the sender identities per tenant key (Event.Tenant),
	// e.g. the ARS of each municipality: an event of tenant T is sent
	// From Tenants[T], never From another tenant's address or the default
	// From. An event whose tenant has no identity here is refused at
	// enqueue with a *notify.TenantError. Default nil: no tenants. New
	// copies the map.
	Tenants map[string]Identity
	// MaxMessageBytes bounds the total attachment size. Default 20 MiB.
	MaxMessageBytes int
	// Compose renders subject and text body; nil: DefaultCompose.
	Compose func(ev notify.Event) (subject, body string)
	// PickupDir, when set, replaces SMTP for development and demos: each
	// message is written as an RFC 5322 file <EventID>.eml into this
	// existing directory (a retry rewrites the same file atomically).
	// Host and the TLS settings are then unused.
	PickupDir string
}

// Identity is the sender of one tenant's mail.
type Identity struct {
	// From is the sender address (required); FromName its display name.
	From     string
	FromName string
	// MessageIDDomain is the right-hand side of Message-ID. Default: the
	// domain of From.
	MessageIDDomain string
}

// identity is a parsed Identity.
type identity struct {
	from   *mail.Address
	domain string
}

func (id Identity) parse() (identity, error) {
	from, err := mail.ParseAddress(id.From)
	if err != nil {
		return identity{}, err
	}
	from.Name = id.FromName
	domain := id.MessageIDDomain
	if domain == "" {
		_, domain, _ = strings.Cut(from.Address, "@")
	}
	return identity{from: from, domain: domain}, nil
}

// Sender is the e-mail notify.Channel ("email") on go-mail. It is safe
// for concurrent use; each attempt opens one SMTP session.
type Sender struct {
	cfg     Config
	client  *gomail.Client
	tenants map[string]identity // by tenant key; "" the default sender (Config.From), if any
}

// New validates cfg and returns a Sender.
func New(cfg Config) (*Sender, error) {
	if cfg.Host == "" && cfg.PickupDir == "" {
		return nil, fmt.Errorf("%w: Host or PickupDir required", ErrInvalidConfig)
	}
	if cfg.PickupDir != "" {
		if fi, err := os.Stat(cfg.PickupDir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("%w: PickupDir must be an existing directory", ErrInvalidConfig)
		}
	}
	s := &Sender{tenants: make(map[string]identity, len(cfg.Tenants)+1)}
	if cfg.From != "" || len(cfg.Tenants) == 0 {
		def, err := Identity{From: cfg.From, FromName: cfg.FromName, MessageIDDomain: cfg.MessageIDDomain}.parse()
		if err != nil {
			return nil, fmt.Errorf("%w: From: %w", ErrInvalidConfig, err)
		}
		s.tenants[""] = def
	}
	for t, id := range cfg.Tenants {
		if t == "" || !notify.ValidTenant(t) {
			return nil, fmt.Errorf("%w: Tenants: invalid tenant key (use From for the default tenant)", ErrInvalidConfig)
		}
		parsed, err := id.parse()
		if err != nil {
			return nil, fmt.Errorf("%w: Tenants[%q].From: %w", ErrInvalidConfig, t, err)
		}
		s.tenants[t] = parsed
	}
	cfg.Tenants = nil // parsed into s.tenants
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = 20 << 20
	}
	if cfg.Compose == nil {
		cfg.Compose = DefaultCompose
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	switch {
	case cfg.ImplicitTLS:
		opts = append(opts, gomail.WithSSL(), gomail.WithPort(cmpPort(cfg.Port, 465)))
	default:
		opts = append(opts, gomail.WithPort(cmpPort(cfg.Port, 587)))
		switch cfg.TLSPolicy {
		case TLSMandatory:
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case TLSOpportunistic:
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		case InsecureNoTLS:
			opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("%w: unknown TLS policy", ErrInvalidConfig)
		}
	}
	s.cfg = cfg
	if cfg.PickupDir != "" {
		return s, nil
	}
	tc := cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tc = tc.Clone()
	if tc.ServerName == "" {
		tc.ServerName = cfg.Host
	}
	opts = append(opts, gomail.WithTLSConfig(tc))
	if cfg.Username != "" {
		auth := gomail.SMTPAuthPlain
		if cfg.TLSPolicy == InsecureNoTLS && !cfg.ImplicitTLS {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	s.client = client
	return s, nil
}

func cmpPort(p, d int) int {
	if p > 0 {
		return p
	}
	return d
}

// Name implements notify.Channel.
func (s *Sender) Name() string { return notify.ChannelEmail }

// MessageID returns the Message-ID of an event's mail: stable across
// retries, so the recipient's mail system can drop duplicates. Its domain
// is that of the event's tenant's identity; ok is false when the tenant
// has none.
func (s *Sender) MessageID(ev notify.Event) (id string, ok bool) {
	snd, ok := s.identity(ev.Tenant)
	if !ok {
		return "", false
	}
	return string(ev.ID) + "@" + snd.domain, true
}

// identity returns the sender of tenant ("" the default).
func (s *Sender) identity(tenant string) (identity, bool) {
	id, ok := s.tenants[tenant]
	return id, ok
}

// ServesTenant implements notify.TenantChannel: true for a tenant in
// Config.Tenants, and for "" if Config.From is set.
func (s *Sender) ServesTenant(tenant string) bool {
	_, ok := s.identity(tenant)
	return ok
}

// DefaultCompose uses Event.Message, or a short bilingual status text.
func DefaultCompose(ev notify.Event) (string, string) {
	subject, body := ev.Message.Title, ev.Message.Body
	if subject == "" {
		subject = "Statusänderung Ihres Antrags / Status update of your application"
		if ev.PublicServiceName != "" {
			subject = ev.PublicServiceName + ": " + subject
		}
	}
	if body == "" {
		status := string(ev.Status)
		if ev.Payment != nil {
			status = "PAYMENT " + string(ev.Payment.Status)
		}
		body = fmt.Sprintf("Antrag/Application %s\nStatus: %s\n%s\n", ev.ApplicationID, status, ev.StatusDetails)
	}
	return subject, body
}

// check applies the rules a message must meet; ValidateRoute and Deliver
// share them.
func (s *Sender) check(ev notify.Event, to string) (*mail.Address, error) {
	if !s.ServesTenant(ev.Tenant) {
		return nil, &notify.TenantError{Tenant: ev.Tenant, Channel: notify.ChannelEmail}
	}
	rcpt, err := mail.ParseAddress(to)
	if err != nil || rcpt.Address != to {
		return nil, fmt.Errorf("%w: %w", ErrInvalidAddress, &notify.FieldError{Field: "to", Reason: "not a bare address (local@domain, no display name)"})
	}
	total := 0
	for _, a := range ev.Message.Attachments {
		total += len(a.Data)
	}
	if total > s.cfg.MaxMessageBytes {
		return nil, fmt.Errorf("%w: %w", ErrTooLarge, &notify.FieldError{Field: "attachments", Reason: fmt.Sprintf("%d bytes in total, at most %d", total, s.cfg.MaxMessageBytes)})
	}
	return rcpt, nil
}

// ValidateRoute implements notify.RouteValidator: the recipient must be a
// bare RFC 5322 addr-spec and the attachments fit MaxMessageBytes.
func (s *Sender) ValidateRoute(_ context.Context, ev notify.Event, to string) error {
	_, err := s.check(ev, to)
	return err
}

func (s *Sender) build(ev notify.Event, to string) (*gomail.Msg, error) {
	rcpt, err := s.check(ev, to)
	if err != nil {
		return nil, err
	}
	snd, _ := s.identity(ev.Tenant) // check found it
	m := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	m.FromMailAddress(snd.from)
	m.ToMailAddress(rcpt)
	subject, body := s.cfg.Compose(ev)
	m.Subject(subject)
	m.SetMessageIDWithValue(string(ev.ID) + "@" + snd.domain)
	m.SetDateWithValue(ev.OccurredAt)
	m.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834
	m.SetBodyString(gomail.TypeTextPlain, body)
	for _, a := range ev.Message.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if err := m.AttachReader(postfach.SanitizeFilename(a.Filename), bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Deliver implements notify.Channel: one SMTP transaction. SMTP 4xx and
// connection failures are retried; 5xx is permanent (RFC 5321 §4.2.1).
func (s *Sender) Deliver(ctx context.Context, d notify.Delivery) error {
	if !s.ServesTenant(d.Event.Tenant) {
		// Enqueue refuses such events; the configuration changed since.
		return &notify.DeliveryError{Class: notify.ClassConfig, Permanent: true,
			Err: &notify.TenantError{Tenant: d.Event.Tenant, Channel: notify.ChannelEmail}}
	}
	m, err := s.build(d.Event, d.Target)
	if err != nil {
		return &notify.DeliveryError{Class: notify.ClassInvalid, Permanent: true, Err: err}
	}
	if s.cfg.PickupDir != "" {
		return s.writePickup(d.Event.ID, m)
	}
	err = s.client.DialAndSendWithContext(ctx, m)
	if err == nil {
		// The server accepted the message data: reply 250 (RFC 5321
		// §4.1.1.4, §4.2.2); go-mail reports only errors.
		notify.ReportStatus(ctx, 250)
		return nil
	}
	return classify(ctx, err)
}

// writePickup writes m to PickupDir/<id>.eml via a temporary file and a
// rename, so a reader never sees half a message.
func (s *Sender) writePickup(id notify.EventID, m *gomail.Msg) error {
	if _, err := notify.ParseEventID(string(id)); err != nil { // the ID names the file
		return &notify.DeliveryError{Class: notify.ClassInvalid, Permanent: true, Err: err}
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return &notify.DeliveryError{Class: notify.ClassInternal, Permanent: true, Err: err}
	}
	tmp, err := os.CreateTemp(s.cfg.PickupDir, ".pickup-*")
	if err != nil {
		return &notify.DeliveryError{Class: notify.ClassInternal, Err: err}
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return &notify.DeliveryError{Class: notify.ClassInternal, Err: err}
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.cfg.PickupDir, string(id)+".eml")); err != nil {
		os.Remove(tmp.Name())
		return &notify.DeliveryError{Class: notify.ClassInternal, Err: err}
	}
	return nil
}

func classify(ctx context.Context, err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case code >= 500 && code < 600:
			return &notify.DeliveryError{Class: notify.ClassRejected, StatusCode: code, Permanent: true,
				Err: fmt.Errorf("email: rejected (%s)", se.Reason)}
		case code >= 400 || se.IsTemp():
			return &notify.DeliveryError{Class: notify.ClassThrottled, StatusCode: code,
				Err: fmt.Errorf("email: temporary failure (%s)", se.Reason)}
		}
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return &notify.DeliveryError{Class: notify.ClassTimeout, Err: context.DeadlineExceeded}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &notify.DeliveryError{Class: notify.ClassTimeout, Err: errors.New("email: network timeout")}
	}
	// go-mail v0.8.1 reports a server without STARTTLS under TLSMandatory
	// only as a formatted error (client.go), not as a typed one.
	if strings.Contains(err.Error(), "STARTTLS") {
		return &notify.DeliveryError{Class: notify.ClassConfig, Err: errors.New("email: server does not offer STARTTLS")}
	}
	// Other errors (dial, TLS) are retried; their text may carry the
	// recipient, so only the class is kept.
	return &notify.DeliveryError{Class: notify.ClassConnection, Err: errors.New("email: connection failed")}
}
