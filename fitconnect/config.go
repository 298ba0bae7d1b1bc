package fitconnect

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/jose"
)

// Environment names the base URLs of one FIT-Connect environment. The
// predefined [TEST], [STAGE] and [PROD] are data; override any field for
// another installation or a simulator.
type Environment struct {
	// Name is for logs ("TEST", "STAGE", "PROD").
	Name string
	// TokenURL is the OAuth 2.0 token endpoint.
	TokenURL string
	// SubmissionAPI is the Submission API base URL (without /v1 or /v2).
	SubmissionAPI string
	// RoutingAPI is the Routing API base URL; "" means routing is not
	// available (STAGE has none of its own).
	RoutingAPI string
	// SSPKeysURL is the JWKS of the Self-Service-Portal that signs
	// addressing information (destinationSignature).
	SSPKeysURL string
	// Production marks environments whose destination keys must chain to
	// the Verwaltungs-PKI; InsecureDevelopment and InsecureTestKeys are
	// refused there.
	Production bool
}

// Environments of API generation 2 (FIT-Connect documentation,
// "Betriebsumgebungen", as used by the v2 clients).
var (
	TEST = Environment{
		Name:          "TEST",
		TokenURL:      "https://auth-testing.fit-connect.fitko.dev/token",
		SubmissionAPI: "https://test.fit-connect.fitko.dev/submission-api",
		RoutingAPI:    "https://routing-api-testing.fit-connect.fitko.dev",
		SSPKeysURL:    "https://portal.auth-testing.fit-connect.fitko.dev/.well-known/jwks.json",
	}
	STAGE = Environment{
		Name:          "STAGE",
		TokenURL:      "https://auth-refz.fit-connect.fitko.net/token",
		SubmissionAPI: "https://stage.fit-connect.fitko.net/submission-api",
		Production:    true,
	}
	PROD = Environment{
		Name:          "PROD",
		TokenURL:      "https://auth-prod.fit-connect.fitko.net/token",
		SubmissionAPI: "https://prod.fit-connect.fitko.net/submission-api",
		RoutingAPI:    "https://routing-api-prod.fit-connect.fitko.net",
		Production:    true,
	}
)

// APIVersion selects the Submission API generation.
type APIVersion int

const (
	// V2 is the current generation (/v2 paths, publicService); the
	// default.
	V2 APIVersion = iota
	// V1 is the first generation (/v1 paths, serviceType).
	V1
)

// TrustKeyUsage is the key usage a Config.TrustStore must accept for
// FIT-Connect destinations: keyEncipherment for the encryption keys
// (RSA-OAEP-256 key wrapping) and the signing usages of
// signature.DefaultSigningKeyUsage for the keys that sign SETs and
// addressing information.
const TrustKeyUsage = signature.DefaultSigningKeyUsage | x509.KeyUsageKeyEncipherment

// Config configures a [Client]. The zero value is not usable: Environment,
// ClientID and ClientSecret are required.
type Config struct {
	// Environment holds the base URLs. Required.
	Environment Environment
	// ClientID and ClientSecret are the API client's OAuth credentials
	// from the Self-Service-Portal, sent in the token request body
	// (client_secret_post; HTTP Basic is refused by the platform).
	ClientID, ClientSecret string
	// Scopes narrow the token; nil requests none, as FIT-Connect advises
	// (the token then carries every scope configured for the client).
	Scopes []string
	// APIVersion; the zero value is V2.
	APIVersion APIVersion
	// HTTPClient; nil means a client with a 60 s timeout.
	HTTPClient *http.Client
	// Logger; nil discards. Logs carry IDs, never content or secrets.
	Logger *slog.Logger
	// TracerProvider receives a span per operation (fitconnect.send,
	// .route, .status, .list, .receive, .accept, .reject, .process) and
	// MeterProvider the metrics ozg.fitconnect.operations and
	// ozg.fitconnect.operation.duration (see docs/observability.md;
	// attributes: operation, outcome, the service's LeiKa key; never IDs,
	// content or error texts). nil: the otel global providers, which
	// record nothing until the application installs its own
	// (otel.SetTracerProvider, otel.SetMeterProvider).
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// Now; nil means time.Now. Used for token expiry, SET and callback
	// time checks.
	Now func() time.Time
	// TokenSkew renews the access token this long before it expires;
	// zero means 60 s (tokens live 30 minutes).
	TokenSkew time.Duration
	// MaxAttempts bounds tries of idempotent calls; zero means 4.
	MaxAttempts int
	// InsecureDevelopment allows plain http to loopback hosts (local
	// simulators). Refused for production environments. Default off: TLS
	// everywhere.
	InsecureDevelopment bool

	// TrustStore holds the anchors (Verwaltungs-PKI roots) that
	// destination encryption and signature keys must chain to, with its
	// revocation hook. Required unless InsecureTestKeys. Destination
	// certificates carry keyEncipherment (encryption keys) or
	// digitalSignature (signing keys): build the store with
	// signature.TrustConfig.KeyUsage = TrustKeyUsage, since the zero
	// TrustConfig accepts signing certificates only.
	TrustStore *signature.TrustStore
	// InsecureTestKeys accepts self-signed destination keys, as the TEST
	// environment issues them; only the key rules (RSA 4096, e=AQAB,
	// key_ops, alg) are checked. Refused for production environments.
	InsecureTestKeys bool
	// ZustelldienstIssuer is the iss of SETs the Zustelldienst signs;
	// "" means the Environment's SubmissionAPI without path.
	ZustelldienstIssuer string

	// DecryptionKeys are the subscriber's private encryption keys (kid →
	// crypto.Decrypter, e.g. an HSM), several during a rotation.
	// Subscriber only.
	DecryptionKeys []jose.DecryptionKey
	// SigningKey signs the subscriber's accept and reject SETs (PS512,
	// RSA 4096); SigningKeyID is its kid as registered. Subscriber only.
	SigningKey   crypto.Signer
	SigningKeyID string
	// MaxSubmissionBytes bounds a received metadata, data or attachment
	// JWE; zero means 64 MiB.
	MaxSubmissionBytes int
}

func (c *Config) validate() (*url.URL, error) {
	e := c.Environment
	if c.ClientID == "" || c.ClientSecret == "" {
		return nil, fmt.Errorf("%w: ClientID and ClientSecret are required", ErrInvalidConfig)
	}
	if e.Production && (c.InsecureDevelopment || c.InsecureTestKeys) {
		return nil, fmt.Errorf("%w: insecure options are refused in environment %s", ErrInvalidConfig, e.Name)
	}
	if c.TrustStore == nil && !c.InsecureTestKeys {
		return nil, fmt.Errorf("%w: TrustStore is required (or InsecureTestKeys for the TEST environment)", ErrInvalidConfig)
	}
	var sub *url.URL
	for name, raw := range map[string]string{"TokenURL": e.TokenURL, "SubmissionAPI": e.SubmissionAPI, "RoutingAPI": e.RoutingAPI, "SSPKeysURL": e.SSPKeysURL} {
		if raw == "" && (name == "RoutingAPI" || name == "SSPKeysURL") {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || !httpx.AllowedEndpoint(u, c.InsecureDevelopment) {
			return nil, fmt.Errorf("%w: %s must be an https URL", ErrInvalidConfig, name)
		}
		if name == "SubmissionAPI" {
			sub = u
		}
	}
	if c.APIVersion != V1 && c.APIVersion != V2 {
		return nil, fmt.Errorf("%w: unknown APIVersion", ErrInvalidConfig)
	}
	if (c.SigningKey == nil) != (c.SigningKeyID == "") {
		return nil, fmt.Errorf("%w: SigningKey and SigningKeyID go together", ErrInvalidConfig)
	}
	if c.TokenSkew < 0 || c.MaxAttempts < 0 || c.MaxSubmissionBytes < 0 {
		return nil, fmt.Errorf("%w: negative limit", ErrInvalidConfig)
	}
	return sub, nil
}
