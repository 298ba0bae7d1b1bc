package pmpayment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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
	// BaseURL is the pmPayment host, e.g. "https://payment-test.itebo.de".
	// https is required (plain http to a loopback host only with
	// InsecureDevelopment).
	BaseURL string
	// InsecureDevelopment allows BaseURL and NotifyURL with plain http to
	// a loopback host, for local simulators. It relaxes nothing else (no
	// hash, tolerance or amount check). Off by default: https only.
	InsecureDevelopment bool
	// AGS is the Amtlicher Gemeindeschlüssel of the Mandant (8 digits).
	AGS string
	// Procedure is the pmPayment "Verfahren" name.
	Procedure string
	// Salt is the HMAC-SHA256 key for the init hash. Required.
	Salt payprovider.Secret
	// PushSecrets verify notification hashes; the first is the current one,
	// further ones are accepted during rotation. nil: []Secret{Salt}.
	PushSecrets []payprovider.Secret
	// NotifyURL receives pmPayment's notification form POSTs (your
	// payment.Client.PushHandler). https, required.
	NotifyURL string
	// HTTPClient sends requests. nil: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Tolerance is the maximum age of a notification's created_at.
	// Default 4 h (the window deployed integrations use).
	Tolerance time.Duration
	// FutureSkew is how far created_at may lie in the future. Default 5 min.
	FutureSkew time.Duration
	// Location is the time zone of created_at. nil: UTC.
	Location *time.Location
	// RetryBackoff governs status-pull retries.
	RetryBackoff payment.Backoff
	// Now is the clock. nil: time.Now.
	Now func() time.Time
	// Sleep waits between retries. nil: ctx-aware sleep.
	Sleep func(context.Context, time.Duration) error
	// Logger. nil: slog.Default().
	Logger *slog.Logger
}

// ErrInvalidConfig is wrapped by every configuration error of New and
// Config.Validate.
var ErrInvalidConfig = errors.New("pmpayment: invalid configuration")

// Provider is the pmPayment adapter. It implements payprovider.Provider,
// payprovider.Recoverer and payprovider.PushVerifier and is safe for concurrent
// use.
type Provider struct {
	cfg     Config
	base    string
	client  *http.Client
	retrier *httpx.Retrier
	init    payprovider.HMACVerifier
	push    payprovider.HMACVerifier
}

var (
	_ payprovider.Provider     = (*Provider)(nil)
	_ payprovider.Recoverer    = (*Provider)(nil)
	_ payprovider.PushVerifier = (*Provider)(nil)
)

// Validate reports a configuration error.
func (c *Config) Validate() error {
	_, err := c.baseURL()
	return err
}

func (c *Config) baseURL() (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(c.BaseURL, "/"))
	if err != nil || !httpx.AllowedEndpoint(u, c.InsecureDevelopment) {
		return nil, fmt.Errorf("%w: BaseURL must be an absolute https URL", ErrInvalidConfig)
	}
	if len(c.AGS) != 8 || !digits(c.AGS) {
		return nil, fmt.Errorf("%w: AGS must be 8 digits", ErrInvalidConfig)
	}
	if c.Procedure == "" || strings.ContainsAny(c.Procedure, "|/?#") {
		return nil, fmt.Errorf("%w: Procedure is required and must not contain | / ? #", ErrInvalidConfig)
	}
	if c.Salt == "" {
		return nil, fmt.Errorf("%w: Salt is required", ErrInvalidConfig)
	}
	if err := checkNotifyURL(c.NotifyURL, c.InsecureDevelopment); err != nil {
		return nil, err
	}
	return u, nil
}

// New validates cfg and returns a Provider.
func New(cfg Config) (*Provider, error) {
	u, err := cfg.baseURL()
	if err != nil {
		return nil, err
	}
	if cfg.PushSecrets == nil {
		cfg.PushSecrets = []payprovider.Secret{cfg.Salt}
	}
	if cfg.Tolerance == 0 {
		cfg.Tolerance = 4 * time.Hour
	}
	if cfg.FutureSkew == 0 {
		cfg.FutureSkew = 5 * time.Minute
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &Provider{
		cfg: cfg, base: u.String(), client: client,
		retrier: &httpx.Retrier{Client: client, Backoff: httpx.Backoff(cfg.RetryBackoff), Now: cfg.Now, Sleep: cfg.Sleep},
		init:    payprovider.HMACVerifier{Algorithm: payprovider.HMACSHA256, Secrets: []payprovider.Secret{cfg.Salt}},
		push:    payprovider.HMACVerifier{Algorithm: payprovider.HMACSHA256, Secrets: cfg.PushSecrets},
	}, nil
}

func checkNotifyURL(s string, development bool) error {
	u, err := url.Parse(s)
	if err != nil || !httpx.AllowedEndpoint(u, development) {
		return fmt.Errorf("%w: NotifyURL must be an absolute https URL without credentials", ErrInvalidConfig)
	}
	return nil
}

// InitFields returns the init form for a submission, including the hash
// HMAC-SHA256(salt, ags|amount|procedure|desc|accountingRecord|txid|notifyURL|redirectURL)
// (pmPayment, see payment/paymenttest/SOURCES.md). Exported for simulators and tests.
func (p *Provider) InitFields(sub *payprovider.Submission) (url.Values, error) {
	r := sub.Request
	if err := checkDesc(r.Purpose); err != nil {
		return nil, err
	}
	rec, err := accountingRecord(r)
	if err != nil {
		return nil, err
	}
	f := url.Values{}
	f.Set("ags", p.cfg.AGS)
	f.Set("amount", strconv.FormatInt(r.Total.Cents(), 10))
	f.Set("procedure", p.cfg.Procedure)
	f.Set("desc", r.Purpose)
	f.Set("accountingRecord", rec)
	f.Set("txid", sub.RequestID)
	f.Set("notifyURL", p.cfg.NotifyURL)
	f.Set("redirectURL", r.RedirectURL)
	h, err := p.init.Sign([]byte(InitMessage(f)))
	if err != nil {
		return nil, err
	}
	f.Set("hash", h)
	return f, nil
}

// InitMessage is the string the init hash covers.
func InitMessage(f url.Values) string {
	return strings.Join([]string{f.Get("ags"), f.Get("amount"), f.Get("procedure"), f.Get("desc"),
		f.Get("accountingRecord"), f.Get("txid"), f.Get("notifyURL"), f.Get("redirectURL")}, "|")
}

// checkDesc enforces pmPayment's SEPA character set for desc
// (a-z A-Z 0-9 ' : ? , - ( + . ) / and space); refused, never cleaned.
func checkDesc(s string) error {
	for _, c := range s {
		ok := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strings.ContainsRune(" ':?,-(+.)/", c)
		if !ok {
			return &paytype.FieldError{Field: "purpose", Reason: fmt.Sprintf("character %U not allowed by pmPayment", c), Err: paytype.ErrInvalidRequest}
		}
	}
	return nil
}

// accountingRecord carries the typed booking data to the Stadtkasse: a
// JSON array with one bookingData object per item.
func accountingRecord(r *paytype.CreateRequest) (string, error) {
	recs := make([]map[string]string, 0, len(r.Items))
	empty := true
	for _, it := range r.Items {
		m := it.Booking.Map()
		if m == nil {
			m = map[string]string{}
		} else {
			empty = false
		}
		m["id"] = it.ID
		m["amount"] = (it.TotalNet + it.TotalTax).String()
		recs = append(recs, m)
	}
	if empty {
		return "", nil
	}
	b, err := json.Marshal(recs)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Create implements payprovider.Provider: POST {base}/payment/secure with the
// hashed form; the answer is {"url", "txid"}. The txid is the requestId.
func (p *Provider) Create(ctx context.Context, sub *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	f, err := p.InitFields(sub)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/payment/secure", strings.NewReader(f.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	body, err := answer(ctx, resp, err, http.StatusOK, http.StatusCreated)
	if err != nil {
		return nil, err
	}
	var out struct {
		URL  string `json:"url"`
		TxID string `json:"txid"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.URL == "" {
		return nil, fmt.Errorf("%w: init answer", payprovider.ErrProtocol)
	}
	if out.TxID != "" && out.TxID != sub.RequestID {
		return nil, &payment.MismatchError{RequestID: sub.RequestID, Field: "requestId"}
	}
	return &payprovider.ProviderTransaction{RequestID: sub.RequestID, TransactionID: sub.RequestID, PayURL: out.URL, Status: paytype.StatusInitial}, nil
}

func providerError(status int) error {
	pe := &payprovider.ProviderError{HTTPStatus: status}
	switch {
	case status == http.StatusConflict:
		pe.FunctionalCode, pe.Err = "PAYMENT_EXISTS", payprovider.ErrPaymentExists
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		pe.Err = payprovider.ErrForbidden
	case status == http.StatusNotFound:
		pe.Err = paystore.ErrNotFound
	case status >= 500 || status == http.StatusTooManyRequests:
		pe.Err = payprovider.ErrUnavailable
	default:
		// pmPayment answers "ungültiger Hashwert" for a wrong AGS, salt or
		// procedure.
		pe.Err = payprovider.ErrValidation
	}
	return pe
}

// Get implements payprovider.Provider: GET {base}/payment/status/{ags}/{txid}
// → {"status": 1 | 0 | -1, "timestamp"}; 1 = PAYED, 0 = FAILED, -1 =
// INITIAL (in progress). Other values are paytype.ErrUnknownStatus. The
// status pull never carries an amount, so every result is marked
// AmountByPush: payment.Client applies a pulled PAYED only together with a
// signed notification whose amount (euro cents) matched the request
// (payment.Client.HandlePush), never from Sync or Run alone.
func (p *Provider) Get(ctx context.Context, ref payprovider.Ref) (*payprovider.ProviderTransaction, error) {
	txid := ref.TransactionID
	if txid == "" {
		txid = ref.RequestID
	}
	target := p.base + "/payment/status/" + url.PathEscape(p.cfg.AGS) + "/" + url.PathEscape(txid)
	resp, err := p.retrier.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err == nil {
			req.Header.Set("Accept", "application/json")
		}
		return req, err
	})
	body, err := answer(ctx, resp, err, http.StatusOK)
	if err != nil {
		return nil, err
	}
	return decodeStatus(txid, body)
}

// answer maps the outcome of one round trip: a transport failure to
// payprovider.ErrUnavailable, *payprovider.CertificateError or the caller's
// context error, an unreadable
// body to payprovider.ErrProtocol, a status outside ok to providerError;
// otherwise it returns the bounded body.
func answer(ctx context.Context, resp *http.Response, err error, ok ...int) ([]byte, error) {
	if err != nil {
		return nil, transport.Error(ctx, err)
	}
	body, err := httpx.ReadBody(resp, 64<<10)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", payprovider.ErrProtocol, err)
	}
	if !slices.Contains(ok, resp.StatusCode) {
		return nil, providerError(resp.StatusCode)
	}
	return body, nil
}

func decodeStatus(txid string, body []byte) (*payprovider.ProviderTransaction, error) {
	var out struct {
		Status    json.RawMessage `json:"status"`
		Timestamp string          `json:"timestamp"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("%w: status answer", payprovider.ErrProtocol)
	}
	pt := &payprovider.ProviderTransaction{RequestID: txid, TransactionID: txid, AmountByPush: true}
	switch strings.Trim(string(out.Status), `"`) {
	case "1":
		pt.Status = paytype.StatusPaid
	case "0":
		pt.Status = paytype.StatusFailed
	case "-1":
		pt.Status = paytype.StatusInitial
	default:
		return nil, fmt.Errorf("%w: pmPayment status", paytype.ErrUnknownStatus)
	}
	return pt, nil
}

// Recover implements payprovider.Recoverer: the txid is the requestId.
func (p *Provider) Recover(ctx context.Context, sub *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	return p.Get(ctx, payprovider.Ref{RequestID: sub.RequestID, TransactionID: sub.RequestID})
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// String describes the provider without secrets.
func (p *Provider) String() string {
	return fmt.Sprintf("pmpayment.Provider{base=%s, ags=%s, procedure=%s}", p.base, p.cfg.AGS, p.cfg.Procedure)
}

// GoString is String.
func (p *Provider) GoString() string { return p.String() }
