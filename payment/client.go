package payment

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paystore"
	"github.com/egosaar/ozg/payment/paytype"
)

// Backoff describes a jittered exponential retry schedule. The zero value
// of each field is its default.
type Backoff struct {
	MaxAttempts int           // total attempts including the first; default 3
	Initial     time.Duration // delay before the second attempt; default 200 ms
	Max         time.Duration // cap for one delay; default 10 s
	Multiplier  float64       // growth per attempt; default 2
	Jitter      float64       // fraction of each delay randomised, 0 … 1; default 0.5
}

// Delay returns the jittered delay before attempt (1 = the second
// attempt), after filling the defaults.
func (b Backoff) Delay(attempt int) time.Duration { return httpx.Backoff(b).Delay(attempt) }

// Config configures a Client. The zero value of every optional field is a
// safe default. A Config must not be modified after New.
type Config struct {
	// Provider is the Bezahldienst adapter (payment/xbezahldienste,
	// payment/pmpayment or paymenttest). Required.
	Provider payprovider.Provider
	// Store persists transactions. Required: a nil Store is
	// ErrInvalidConfig, never a silent in-memory store that forgets every
	// payment on restart. Use payment/sqlstore in production and
	// paystore.NewMemoryStore() as an explicit choice in tests.
	Store paystore.Store
	// Tenant is the opaque key of the tenant this Client serves (one
	// Client per Mandant per tenant; several Clients share one Store),
	// e.g. the municipality's official regional key (ARS). Every
	// transaction, anomaly, push and claim the Client stores carries it,
	// and the Client reads and writes only its own tenant's rows
	// (paystore.Store.ForTenant): another tenant's transaction is not
	// found, its pushes are not seen, its listings are refused. Valid per
	// paystore.CheckTenant. "" (the default) is the single-tenant
	// deployment, whose stored data the migration keeps unchanged.
	Tenant string
	// InsecureDevelopment allows a RedirectURL with plain http to a
	// loopback host (127.0.0.1, ::1, localhost), for local development
	// against simulators. It relaxes nothing else (no amount, signature or
	// replay check). Off by default: redirect URLs must be https.
	// New refuses it together with a Profile marked Production.
	InsecureDevelopment bool
	// Logger receives state changes (Info), anomalies and refused pushes
	// (Warn), each with the attribute "tenant" when Tenant is set. It
	// never receives secrets, personal data or bodies. nil: slog.Default().
	Logger *slog.Logger
	// TracerProvider receives a span per operation (payment.create,
	// payment.get, payment.sync, payment.push, payment.reconcile) and
	// MeterProvider the metrics ozg.payment.operations,
	// ozg.payment.operation.duration and ozg.payment.anomalies (see
	// docs/observability.md; attributes: operation, outcome, provider,
	// tenant, anomaly kind; never personal data or error texts). nil: the
	// otel global providers, which record nothing until the application
	// installs its own (otel.SetTracerProvider, otel.SetMeterProvider).
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// Now is the clock. nil: time.Now.
	Now func() time.Time
	// Sleep waits between create retries and reconciliation rounds.
	// nil: a ctx-aware sleep (tests inject).
	Sleep func(context.Context, time.Duration) error
	// OnStatusChange is called once for every applied transition
	// (INITIAL → PAYED | CANCELED | FAILED), after it is stored, by the
	// goroutine that applied it. nil: none.
	OnStatusChange func(context.Context, StatusChange)
	// OnStatusChangeTx is the atomic variant of OnStatusChange: it runs
	// inside the store's database transaction that applies the transition
	// (Store must implement TxStore, e.g. payment/sqlstore), with that
	// transaction. Write the application's own state change ("fee paid",
	// a notify.Client.EnqueueTx outbox entry) through tx: both commit
	// together or not at all. If it returns an error, nothing is applied
	// and the transaction is pulled again later. Use tx only (on SQLite
	// the store's connection is the only one). nil: none.
	OnStatusChangeTx func(ctx context.Context, tx *sql.Tx, sc StatusChange) error
	// CreateAttempts bounds how often Create sends the same request when
	// the Bezahldienst is unavailable or the answer is lost. Every attempt
	// carries the same requestId. Default 3.
	CreateAttempts int
	// CreateBackoff spaces those attempts. Default: 200 ms, ×2, jitter.
	CreateBackoff Backoff
	// CreateLease is how long one instance holds the store's lease on a
	// create it is sending (Store.LeaseCreate): instances sharing a store
	// never both send the same create while it runs. It must exceed one
	// Create call with all its attempts; if the holder dies, another
	// instance (or Run) sends the create after it ends, with the same
	// requestId. Default 2 min.
	CreateLease time.Duration
	// CreateLeasePoll is how often a Create waiting for another
	// instance's lease looks at the store. Default 200 ms.
	CreateLeasePoll time.Duration
	// Expiry is how long reconciliation polls a non-terminal transaction
	// before it gives up and records an AnomalyExpired. Default 24 h.
	Expiry time.Duration
	// PollInitial is the delay before the first background pull of a new
	// transaction. Default 1 min.
	PollInitial time.Duration
	// PollMax caps the backoff between background pulls. Default 30 min.
	PollMax time.Duration
	// PollInterval is how often Run looks for due transactions.
	// Default 15 s.
	PollInterval time.Duration
	// PollBatch bounds the transactions pulled per round. Default 100.
	PollBatch int
	// Profile holds the Mandant's own rules (required booking fields,
	// length rules such as ePayBL's 27 characters for Kassenzeichen + "/"
	// + Buchungstext), checked by Create before anything is stored or
	// sent. nil: only the XBezahldienste limits.
	Profile *Profile
	// InsecureAcceptUnreportedAmount applies a final PAYED whose amount or
	// currency was reported neither by the pull nor by a verified push,
	// without comparing it with the request. Off by default: such a result
	// is refused with a *MismatchError (NotReported) and recorded as an
	// AnomalyMismatch (anti-pattern 9.5 in payment/paymenttest/SOURCES.md: a result is never accepted without
	// comparing the amount), and for providers whose amount comes only with
	// the signed push (pmPayment) it waits for that push. Set it only for a
	// Bezahldienst that demonstrably never reports the amount (e.g. a
	// pmPayment installation that sends no signed notification); every
	// result applied this way is logged at Warn.
	InsecureAcceptUnreportedAmount bool
}

// StatusChange is one applied transition.
type StatusChange struct {
	Tenant        string // Config.Tenant of the Client that applied it
	RequestID     string
	TransactionID string
	From, To      paytype.Status
	At            time.Time
	Transaction   *paytype.Transaction // state after the change
}

// Validate reports a configuration error; it wraps ErrInvalidConfig.
func (c *Config) Validate() error {
	if c.Provider == nil {
		return fmt.Errorf("%w: Provider is required", ErrInvalidConfig)
	}
	if c.Store == nil {
		return fmt.Errorf("%w: Store is required (sqlstore, or paystore.NewMemoryStore() as an explicit choice for tests)", ErrInvalidConfig)
	}
	if err := paystore.CheckTenant(c.Tenant); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if c.CreateAttempts < 0 || c.CreateLease < 0 || c.CreateLeasePoll < 0 || c.Expiry < 0 || c.PollInitial < 0 || c.PollMax < 0 || c.PollInterval < 0 || c.PollBatch < 0 {
		return fmt.Errorf("%w: negative limits", ErrInvalidConfig)
	}
	if c.OnStatusChangeTx != nil {
		if _, ok := c.Store.(paystore.TxStore); !ok {
			return fmt.Errorf("%w: OnStatusChangeTx needs a Store that implements TxStore", ErrInvalidConfig)
		}
	}
	if c.Profile != nil {
		if err := c.Profile.validate(); err != nil {
			return err
		}
		if c.Profile.Production && c.InsecureDevelopment {
			return fmt.Errorf("%w: InsecureDevelopment with the production profile %q", ErrInvalidConfig, c.Profile.Name)
		}
	}
	return nil
}

// Client creates payments idempotently, follows their status and applies
// only verified, pulled results. It is safe for concurrent use.
type Client struct {
	cfg      Config
	flights  flights
	owner    string // this instance's create lease owner prefix
	leaseSeq atomic.Uint64
	tel      clientTelemetry
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Tenant != "" {
		// The Client only ever holds its tenant's view of the store.
		cfg.Store = cfg.Store.ForTenant(cfg.Tenant)
		if _, ok := cfg.Store.(paystore.TxStore); !ok && cfg.OnStatusChangeTx != nil {
			return nil, fmt.Errorf("%w: the Store's tenant view does not implement TxStore", ErrInvalidConfig)
		}
		// Every log line names the tenant (an opaque key, never personal
		// data), so a shared log can be filtered per municipality.
		cfg.Logger = cfg.Logger.With("tenant", cfg.Tenant)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = httpx.Sleep
	}
	if cfg.CreateAttempts == 0 {
		cfg.CreateAttempts = 3
	}
	if cfg.Expiry == 0 {
		cfg.Expiry = 24 * time.Hour
	}
	if cfg.PollInitial == 0 {
		cfg.PollInitial = time.Minute
	}
	if cfg.PollMax == 0 {
		cfg.PollMax = 30 * time.Minute
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 15 * time.Second
	}
	if cfg.PollBatch == 0 {
		cfg.PollBatch = 100
	}
	if cfg.CreateLease == 0 {
		cfg.CreateLease = 2 * time.Minute
	}
	if cfg.CreateLeasePoll == 0 {
		cfg.CreateLeasePoll = 200 * time.Millisecond
	}
	return &Client{cfg: cfg, owner: rand.Text(), tel: newTelemetry(&cfg)}, nil
}

// Store returns the client's store: the view of Config.Tenant.
func (c *Client) Store() paystore.Store { return c.cfg.Store }

// Tenant returns Config.Tenant.
func (c *Client) Tenant() string { return c.cfg.Tenant }

// Create validates req, stores it under its idempotency key and only then
// sends it to the Bezahldienst. Repeating Create with the same key and
// request returns the stored transaction (one provider call, also under
// concurrent callers); a different request under the same key fails with
// ErrIdempotencyConflict and makes no call. If the answer to the create call
// is lost, later attempts re-send the same requestId and recover the
// transaction after PAYMENT_EXISTS. If every attempt fails, the request
// stays stored; a later Create with the same key, or Run, re-sends it.
// If the Bezahldienst answers the create with a final state that cannot be
// applied (refused: anomaly; store failure: logged at Error with the
// request ID), Create still returns the created, confirmed transaction and
// reconciliation pulls its state again.
// Invalid input changes no state.
func (c *Client) Create(ctx context.Context, req *paytype.CreateRequest) (_ *paytype.Transaction, err error) {
	ctx, op := c.startOp(ctx, opCreate, trace.SpanKindClient)
	defer op.End(&err)
	if err := req.ValidateWith(c.cfg.InsecureDevelopment); err != nil {
		return nil, err
	}
	if c.cfg.Profile != nil {
		if err := c.cfg.Profile.Check(req); err != nil {
			return nil, err
		}
	}
	// req is not copied here: the store's Insert keeps its own deep copy,
	// and until then req is only read (like every argument, it must not
	// be modified while Create runs).
	r := req
	fp := r.Fingerprint()
	for {
		// Keyed by key and body: callers with the same request share one
		// flight; a caller with a different body never inherits another
		// caller's conflict (the store's insert decides who was first).
		t, err, led := c.flights.do(ctx, flightKey{r.IdempotencyKey, fp}, func() (*paytype.Transaction, error) {
			return c.create(ctx, r, fp, true)
		})
		if led && err == nil && ctx.Err() != nil {
			// Our context ended while we led: report it like a waiting
			// caller would (the transaction is stored either way).
			return nil, ctx.Err()
		}
		if err != nil {
			// Another caller led and its context ended, not ours: try
			// again, possibly as the leader. The same for a background
			// re-send that found the lease held by another instance (it
			// does not wait; we do).
			if !led && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errLeaseHeld)) && ctx.Err() == nil {
				continue
			}
			return nil, err
		}
		if t.Fingerprint != fp && !r.MatchesFingerprint(t.Fingerprint) {
			return nil, ErrIdempotencyConflict
		}
		if led {
			return t, nil // the store's copy, ours alone (flights)
		}
		return t.Clone(), nil
	}
}

func (c *Client) create(ctx context.Context, req *paytype.CreateRequest, fp string, wait bool) (*paytype.Transaction, error) {
	now := c.cfg.Now()
	t := &paytype.Transaction{
		RequestID:        req.IdempotencyKey,
		Fingerprint:      fp,
		Request:          *req,
		RequestTimestamp: now.UTC(),
		CreatedAt:        now,
		UpdatedAt:        now,
		ExpiresAt:        now.Add(c.cfg.Expiry),
		// If this process dies before the Bezahldienst answers, the
		// reconciler re-sends the stored request from then on.
		NextCheckAt: now.Add(c.cfg.PollInitial),
	}
	stored, inserted, err := c.cfg.Store.Insert(ctx, t)
	if err != nil {
		return nil, &paystore.StoreError{Op: "insert", Err: err}
	}
	if !inserted {
		// A row stored by an earlier version carries the JSON form of the
		// fingerprint; MatchesFingerprint (only on a difference) accepts it.
		if stored.Fingerprint != fp && !req.MatchesFingerprint(stored.Fingerprint) {
			return nil, ErrIdempotencyConflict
		}
		if stored.Status != "" {
			return stored, nil
		}
	}
	if stored.Status == "" && stored.NextCheckAt.IsZero() && !inserted {
		return nil, ErrCreateEnded
	}
	owner, stored, err := c.lease(ctx, stored, wait)
	if err != nil || stored.Status != "" {
		return stored, err
	}
	// Confirm ends the lease; on every other way out it is released so
	// that a re-send need not wait for it to expire.
	confirmed := false
	defer func() {
		if !confirmed {
			c.release(ctx, stored.RequestID, owner)
		}
	}()
	sub := &payprovider.Submission{RequestID: stored.RequestID, Timestamp: stored.RequestTimestamp, Request: &stored.Request}
	pt, err := c.submit(ctx, sub)
	if err != nil {
		c.settleFailedCreate(ctx, stored, err)
		return nil, err
	}
	if err := checkMatch(stored, pt); err != nil {
		c.anomaly(ctx, stored.RequestID, paystore.AnomalyMismatch, err.Error())
		return nil, err
	}
	at := c.cfg.Now()
	conf, err := c.cfg.Store.Confirm(ctx, stored.RequestID, paystore.Confirmation{
		TransactionID:  pt.TransactionID,
		TransactionURL: pt.TransactionURL,
		PayURL:         pt.PayURL,
		Reference:      pt.Reference,
		At:             at,
		NextCheckAt:    at.Add(c.cfg.PollInitial),
	})
	if err != nil {
		return nil, &paystore.StoreError{Op: "confirm", Err: err}
	}
	confirmed = true
	if c.cfg.Logger.Enabled(ctx, slog.LevelInfo) {
		c.cfg.Logger.InfoContext(ctx, "payment created", "request_id", conf.RequestID, "transaction_id", conf.TransactionID, "amount", conf.Request.Total.String())
	}
	if pt.Status != "" && pt.Status != paytype.StatusInitial {
		// A Bezahldienst may report a final state right away (rare); apply it
		// through the status machine like any pull. The payment itself is
		// created and stored either way, so Create returns it: a refused
		// state (illegal, unknown, mismatching or unreported amount) is
		// recorded as an anomaly by apply, any other failure (the store) is
		// logged at Error here, and reconciliation pulls the transaction
		// again at NextCheckAt.
		applied, err := c.apply(ctx, conf, pt, nil)
		switch {
		case err == nil:
			conf = applied
		case errors.Is(err, paystore.ErrIllegalTransition), errors.Is(err, paytype.ErrUnknownStatus), errors.Is(err, ErrMismatch):
		default:
			c.cfg.Logger.ErrorContext(ctx, "payment final state from create not applied; reconciliation pulls it again",
				"request_id", conf.RequestID, "to", string(pt.Status), "err", err)
		}
	}
	return conf, nil
}

func (c *Client) release(ctx context.Context, requestID, owner string) {
	if err := c.cfg.Store.ReleaseCreate(context.WithoutCancel(ctx), requestID, owner); err != nil {
		c.cfg.Logger.WarnContext(ctx, "payment create lease not released; it expires", "request_id", requestID, "err", err)
	}
}

// errLeaseHeld: another instance (or call) is sending this create.
var errLeaseHeld = errors.New("payment: create lease held by another instance")

// lease takes the store's create lease for t, so that of several
// instances sharing the store exactly one sends the create. With wait it
// polls (CreateLeasePoll) until it holds the lease, another instance has
// confirmed the transaction (returned with its Status set) or ended it
// (ErrCreateEnded); without wait it returns errLeaseHeld at once.
func (c *Client) lease(ctx context.Context, t *paytype.Transaction, wait bool) (string, *paytype.Transaction, error) {
	owner := c.owner + "/" + strconv.FormatUint(c.leaseSeq.Add(1), 10)
	for {
		now := c.cfg.Now()
		ok, err := c.cfg.Store.LeaseCreate(ctx, t.RequestID, owner, now, now.Add(c.cfg.CreateLease))
		if err != nil {
			return "", nil, &paystore.StoreError{Op: "lease", Err: err}
		}
		if ok {
			return owner, t, nil
		}
		if !wait {
			return "", nil, errLeaseHeld
		}
		if err := c.cfg.Sleep(ctx, c.cfg.CreateLeasePoll); err != nil {
			return "", nil, err
		}
		if t, err = c.cfg.Store.Get(ctx, t.RequestID); err != nil {
			return "", nil, &paystore.StoreError{Op: "get", Err: err}
		}
		if t.Status != "" {
			return "", t, nil
		}
		if t.NextCheckAt.IsZero() {
			return "", nil, ErrCreateEnded
		}
	}
}

// submit sends the create with bounded retries. Every attempt carries the
// same requestId; PAYMENT_EXISTS after a failed attempt means the earlier
// attempt reached the Bezahldienst.
func (c *Client) submit(ctx context.Context, sub *payprovider.Submission) (*payprovider.ProviderTransaction, error) {
	var lastErr error
	for attempt := 0; attempt < c.cfg.CreateAttempts; attempt++ {
		if attempt > 0 {
			if err := c.cfg.Sleep(ctx, c.cfg.CreateBackoff.Delay(attempt)); err != nil {
				return nil, err
			}
		}
		pt, err := c.cfg.Provider.Create(ctx, sub)
		if err == nil {
			return pt, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, payprovider.ErrPaymentExists) {
			// Either a lost answer of ours, or another instance created it.
			return c.recoverCreate(ctx, sub, err)
		}
		if !retryableCreate(err) {
			return nil, err
		}
		c.cfg.Logger.WarnContext(ctx, "payment create retry", "request_id", sub.RequestID, "attempt", attempt+1)
		lastErr = err
	}
	return nil, lastErr
}

func (c *Client) recoverCreate(ctx context.Context, sub *payprovider.Submission, cause error) (*payprovider.ProviderTransaction, error) {
	rc, ok := c.cfg.Provider.(payprovider.Recoverer)
	if !ok {
		return nil, fmt.Errorf("%w: %w", ErrOutcomeUnknown, cause)
	}
	pt, err := rc.Recover(ctx, sub)
	switch {
	case err == nil:
		return pt, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, payprovider.ErrUnavailable), errors.Is(err, payprovider.ErrCertificate):
		// The lookup itself failed: try again later, nothing is known yet.
		return nil, fmt.Errorf("%w (recovering after %w)", err, cause)
	}
	// The provider's PAYMENT_EXISTS stays in the chain: errors.Is(err,
	// ErrPaymentExists) holds for the caller.
	return nil, fmt.Errorf("%w: %w: %w", ErrOutcomeUnknown, cause, err)
}

// settleFailedCreate records what a failed create means for the stored
// request. A definite refusal by the Bezahldienst and an unrecoverable
// lost answer end it (anomaly, off the reconciler's schedule: re-sending
// would only be refused again or answered PAYMENT_EXISTS). Every other
// failure (unreachable, certificate, store) leaves it scheduled, so Run
// re-sends it with backoff.
func (c *Client) settleFailedCreate(ctx context.Context, t *paytype.Transaction, err error) {
	var kind paystore.AnomalyKind
	var detail string
	switch {
	case errors.Is(err, ErrOutcomeUnknown):
		kind, detail = paystore.AnomalyOutcomeUnknown, "create answered PAYMENT_EXISTS and the transaction could not be recovered"
	case isRefusal(err):
		kind, detail = paystore.AnomalyRefused, "create refused by the payment service: "+refusalCode(err)
	default:
		return
	}
	c.anomaly(ctx, t.RequestID, kind, detail)
	if serr := c.cfg.Store.Schedule(ctx, t.RequestID, time.Time{}, t.CheckAttempts+1); serr != nil {
		c.cfg.Logger.ErrorContext(ctx, "payment refused create still scheduled", "request_id", t.RequestID, "err", serr)
	}
}

// isRefusal reports whether err is a definite answer of the Bezahldienst
// that this request, as sent, will not be accepted: a 4xx other than
// PAYMENT_EXISTS, 401/403 (credentials can be fixed) and the retryable
// 408/425/429. Transport, certificate and store errors are never a
// refusal.
func isRefusal(err error) bool {
	var pe *payprovider.ProviderError
	if !errors.As(err, &pe) {
		return false
	}
	if pe.Retryable() || errors.Is(pe, payprovider.ErrPaymentExists) || errors.Is(pe, payprovider.ErrForbidden) {
		return false
	}
	return pe.HTTPStatus >= 400 && pe.HTTPStatus < 500
}

func refusalCode(err error) string {
	var pe *payprovider.ProviderError
	if !errors.As(err, &pe) {
		return "no provider error"
	}
	if pe.FunctionalCode != "" && len(pe.FunctionalCode) <= 64 {
		return pe.FunctionalCode
	}
	return fmt.Sprintf("HTTP %d", pe.HTTPStatus)
}

func isStoreError(err error) bool {
	var se *paystore.StoreError
	return errors.As(err, &se)
}

// Get returns the stored transaction without contacting the Bezahldienst.
func (c *Client) Get(ctx context.Context, requestID string) (_ *paytype.Transaction, err error) {
	ctx, op := c.startOp(ctx, opGet, trace.SpanKindInternal)
	defer op.End(&err)
	return c.cfg.Store.Get(ctx, requestID)
}

// Anomalies returns the refused observations recorded for a transaction.
func (c *Client) Anomalies(ctx context.Context, requestID string) ([]paystore.Anomaly, error) {
	return c.cfg.Store.Anomalies(ctx, requestID)
}

func (c *Client) anomaly(ctx context.Context, requestID string, kind paystore.AnomalyKind, detail string) {
	a := paystore.Anomaly{RequestID: requestID, Kind: kind, Detail: detail, At: c.cfg.Now()}
	if err := c.cfg.Store.RecordAnomaly(ctx, a); err != nil {
		c.cfg.Logger.ErrorContext(ctx, "payment anomaly not stored", "request_id", requestID, "kind", string(kind), "err", err)
		return
	}
	c.countAnomaly(ctx, kind)
	c.cfg.Logger.WarnContext(ctx, "payment anomaly", "request_id", requestID, "kind", string(kind), "detail", detail)
}

// String describes the client without configuration details.
func (c *Client) String() string { return "payment.Client" }

// GoString is String.
func (c *Client) GoString() string { return c.String() }

// retryableCreate reports whether the same create may be sent again in
// this call. A certificate failure never is (the handshake failed; the
// configuration must change first).
func retryableCreate(err error) bool {
	if errors.Is(err, payprovider.ErrCertificate) {
		return false
	}
	var pe *payprovider.ProviderError
	if errors.As(err, &pe) {
		return pe.Retryable()
	}
	// Transport errors: the request may or may not have arrived; resending
	// the same requestId is safe.
	return errors.Is(err, payprovider.ErrUnavailable)
}
