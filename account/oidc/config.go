package oidc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/internal/httpx"
)

// Client authentication methods at the token endpoint (OIDC Core 1.0 §9).
const (
	AuthClientSecretBasic = "client_secret_basic"
	AuthClientSecretPost  = "client_secret_post"
	AuthPrivateKeyJWT     = "private_key_jwt"
)

// Signature algorithms the verifiers accept at most (RFC 8725 §3.1: an
// allow-list; never "none", never HMAC with a provider's public key).
const (
	RS256 = "RS256"
	PS256 = "PS256"
	ES256 = "ES256"
)

// Defaults.
const (
	DefaultCookieName         = "__Host-ozg_oidc"
	DefaultInsecureCookieName = "ozg_oidc"
	DefaultClockSkew          = time.Minute
	DefaultIssuedAtWindow     = 5 * time.Minute
	DefaultRequestTTL         = 10 * time.Minute
	DefaultJWKSMinInterval    = time.Minute
	DefaultMaxBytes           = 256 << 10
	DefaultMaxTokenBytes      = 16 << 10
	DefaultLogoutReplayMax    = 100_000
)

// ProviderOIDC is the account.ProviderKind of identities from this package.
const ProviderOIDC account.ProviderKind = "oidc"

// ClientKey is the RP's signing key for private_key_jwt (RFC 7523 §2.2).
type ClientKey struct {
	Signer crypto.Signer // *rsa.PrivateKey (≥ 2048 bit), *ecdsa.PrivateKey (P-256) or an HSM signer
	KeyID  string        // kid the provider knows the public key by
	// Algorithm is RS256 (default for RSA), PS256, or ES256 (EC P-256).
	Algorithm string
}

// Config configures a Client. The zero value of every optional field is
// the secure choice; required: Issuer, ClientID, RedirectURL, Store and a
// client credential.
type Config struct {
	// Issuer is the provider's issuer identifier (https URL, exact
	// string). Discovery fetches Issuer + "/.well-known/openid-configuration"
	// and refuses a document whose issuer differs (OIDC Discovery 1.0 §4.3).
	Issuer string
	// Provider, when set, is used instead of discovery (static
	// configuration for providers without discovery or for pinning).
	// Its Issuer must equal Issuer.
	Provider *ProviderMetadata

	// ClientID is the client_id registered at the provider.
	ClientID string
	// ClientSecret is the secret for client_secret_basic/post.
	ClientSecret string
	// ClientKey signs private_key_jwt client assertions.
	ClientKey *ClientKey
	// ClientAuth selects the token endpoint authentication; default
	// private_key_jwt with a ClientKey (no shared secret to leak), else
	// client_secret_basic (OIDC Core §9 default).
	ClientAuth string

	// RedirectURL is the callback (exact match at the provider, RFC 9700
	// §2.1): https, or http loopback with InsecureDevelopment.
	RedirectURL string
	// PostLogoutRedirectURL is sent with RP-initiated logout (optional).
	PostLogoutRedirectURL string
	// Scopes to request besides "openid" (always sent); default "profile"
	// and "email".
	Scopes []string

	// ACRLevels maps acr values to levels (e.g. the eIDAS LoA URIs or a
	// Keycloak's "1","2"); default: the eIDAS URIs and the STORK values.
	// Only acr values in this map are accepted.
	ACRLevels map[string]account.Level
	// MinLevel is the least level a login must reach; default
	// LevelSubstanziell (the usual requirement of an online service with
	// personal data; set it explicitly for others). The acr values of
	// levels ≥ MinLevel are requested as acr_values.
	MinLevel account.Level
	// MaxAge, when positive, is sent as max_age and auth_time must be
	// within it (OIDC Core §3.1.2.1). Zero: auth_time is checked only
	// when present, against the ID token's iat.
	MaxAge time.Duration

	// Algorithms narrows the accepted signature algorithms (subset of
	// RS256, PS256, ES256); default all three.
	Algorithms []string
	// ClockSkew tolerated on exp, nbf, iat and auth_time; default 1 min.
	ClockSkew time.Duration
	// IssuedAtWindow is how old an ID token's iat may be; default 5 min
	// (the token was just issued for this code exchange).
	IssuedAtWindow time.Duration
	// JWKSMinInterval is the least time between two key set fetches
	// (an unknown kid cannot make us fetch more often); default 1 min.
	// After a failed fetch the wait doubles, up to 32 intervals.
	JWKSMinInterval time.Duration

	// Store keeps pending logins between StartLogin and FinishLogin.
	// Required: NewMemoryStore for a single instance, a shared store for
	// several.
	Store Store
	// RequestTTL limits a login attempt; default 10 min.
	RequestTTL time.Duration
	// CookieName names the user-agent binding cookie; default
	// DefaultCookieName (__Host- prefix: only this host over https can set
	// it) or DefaultInsecureCookieName with InsecureDevelopment.
	CookieName string
	// LogoutReplayMax bounds the remembered logout token IDs (fail
	// closed when full); default DefaultLogoutReplayMax.
	LogoutReplayMax int

	// Claims maps claims to the Identity after the standard mapping
	// (StandardClaims); use it for a provider's own claims. It receives
	// the verified claims of the ID token merged with userinfo.
	Claims func(claims map[string]any, id *account.Identity) error

	// MaxBytes limits discovery, JWKS, token and userinfo answers;
	// default 256 KiB. MaxTokenBytes limits a compact JWT; default 16 KiB.
	MaxBytes      int64
	MaxTokenBytes int

	// HTTPClient for discovery, JWKS, token and userinfo; default a client
	// with a 10 s timeout that does not follow redirects.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives security events without personal data; default
	// slog.Default().
	Logger *slog.Logger
	// TracerProvider receives a span per operation and MeterProvider
	// the metrics ozg.account.oidc.operations and
	// ozg.account.oidc.operation.duration (see docs/observability.md; attributes:
	// operation, outcome, refusal reason; never identities, subjects,
	// tokens, URLs or error texts). nil: the otel global providers, which
	// record nothing until the application installs its own
	// (otel.SetTracerProvider, otel.SetMeterProvider).
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// InsecureDevelopment allows plain http to loopback hosts (issuer,
	// endpoints, redirect) and a binding cookie without Secure/__Host-.
	// Never in production.
	InsecureDevelopment bool
}

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...)
}

// DefaultACRLevels are the acr values understood without configuration:
// the eIDAS level-of-assurance URIs (Regulation (EU) 2015/1502) and the
// STORK QAA values BundID uses.
func DefaultACRLevels() map[string]account.Level {
	m := map[string]account.Level{}
	for _, l := range []account.Level{account.LevelBasisregistrierung, account.LevelNiedrig, account.LevelSubstanziell, account.LevelHoch} {
		m[l.STORK()] = l
		if e := l.EIDAS(); e != "" {
			m[e] = l
		}
	}
	return m
}

// Validate checks the configuration; errors wrap ErrInvalidConfig.
func (c *Config) Validate() error {
	iss, err := url.Parse(c.Issuer)
	if c.Issuer == "" || err != nil || !httpx.AllowedEndpoint(iss, c.InsecureDevelopment) || iss.RawQuery != "" || iss.Fragment != "" {
		return bad("Issuer must be an https URL without query or fragment")
	}
	if c.ClientID == "" {
		return bad("ClientID required")
	}
	ru, err := url.Parse(c.RedirectURL)
	if err != nil || !httpx.AllowedEndpoint(ru, c.InsecureDevelopment) || ru.Fragment != "" {
		return bad("RedirectURL must be an https URL without fragment")
	}
	if c.PostLogoutRedirectURL != "" {
		pu, err := url.Parse(c.PostLogoutRedirectURL)
		if err != nil || !httpx.AllowedEndpoint(pu, c.InsecureDevelopment) {
			return bad("PostLogoutRedirectURL must be an https URL")
		}
	}
	if c.Store == nil {
		return bad("Store required (NewMemoryStore for one instance)")
	}
	switch c.clientAuth() {
	case AuthClientSecretBasic, AuthClientSecretPost:
		if c.ClientSecret == "" {
			return bad("ClientSecret required for %s", c.clientAuth())
		}
	case AuthPrivateKeyJWT:
		if c.ClientKey == nil || c.ClientKey.Signer == nil {
			return bad("ClientKey required for private_key_jwt")
		}
		if _, err := c.ClientKey.alg(); err != nil {
			return err
		}
	default:
		return bad("unknown ClientAuth")
	}
	for _, a := range c.Algorithms {
		if a != RS256 && a != PS256 && a != ES256 {
			return bad("algorithm not allowed")
		}
	}
	if c.MinLevel != account.LevelUnknown && !c.MinLevel.Valid() {
		return bad("MinLevel invalid")
	}
	for _, l := range c.ACRLevels {
		if !l.Valid() {
			return bad("ACRLevels maps to an invalid level")
		}
	}
	if c.ClockSkew < 0 || c.IssuedAtWindow < 0 || c.MaxAge < 0 || c.RequestTTL < 0 || c.JWKSMinInterval < 0 || c.MaxBytes < 0 || c.MaxTokenBytes < 0 {
		return bad("negative duration or limit")
	}
	if c.CookieName != "" {
		if err := (&http.Cookie{Name: c.CookieName, Value: "x"}).Valid(); err != nil {
			return bad("CookieName is not a valid cookie name")
		}
		if c.InsecureDevelopment && (strings.HasPrefix(c.CookieName, "__Host-") || strings.HasPrefix(c.CookieName, "__Secure-")) {
			return bad("CookieName with __Host- or __Secure- prefix needs https (InsecureDevelopment unset)")
		}
	}
	if c.Provider != nil {
		if c.Provider.Issuer != c.Issuer {
			return bad("Provider.Issuer differs from Issuer")
		}
		if err := c.Provider.validate(c.InsecureDevelopment); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
	}
	return nil
}

func (c *Config) clientAuth() string {
	if c.ClientAuth != "" {
		return c.ClientAuth
	}
	if c.ClientKey != nil {
		return AuthPrivateKeyJWT
	}
	return AuthClientSecretBasic
}

func (k *ClientKey) alg() (string, error) {
	switch pk := k.Signer.Public().(type) {
	case *rsa.PublicKey:
		if pk.N.BitLen() < 2048 {
			return "", bad("ClientKey RSA key shorter than 2048 bit")
		}
		switch k.Algorithm {
		case "", RS256:
			return RS256, nil
		case PS256:
			return PS256, nil
		}
	case *ecdsa.PublicKey:
		if pk.Curve == elliptic.P256() && (k.Algorithm == "" || k.Algorithm == ES256) {
			return ES256, nil
		}
	}
	return "", bad("ClientKey: unsupported key or algorithm")
}

// withDefaults returns a copy with defaults filled in.
func (c Config) withDefaults() Config {
	if c.ClientAuth == "" {
		c.ClientAuth = c.clientAuth()
	}
	if c.Scopes == nil {
		c.Scopes = []string{"profile", "email"}
	}
	if c.ACRLevels == nil {
		c.ACRLevels = DefaultACRLevels()
	}
	if c.MinLevel == account.LevelUnknown {
		c.MinLevel = account.LevelSubstanziell
	}
	if len(c.Algorithms) == 0 {
		c.Algorithms = []string{RS256, PS256, ES256}
	}
	c.Algorithms = slices.Clone(c.Algorithms)
	if c.ClockSkew == 0 {
		c.ClockSkew = DefaultClockSkew
	}
	if c.IssuedAtWindow == 0 {
		c.IssuedAtWindow = DefaultIssuedAtWindow
	}
	if c.JWKSMinInterval == 0 {
		c.JWKSMinInterval = DefaultJWKSMinInterval
	}
	if c.RequestTTL == 0 {
		c.RequestTTL = DefaultRequestTTL
	}
	if c.CookieName == "" {
		c.CookieName = DefaultCookieName
		if c.InsecureDevelopment {
			c.CookieName = DefaultInsecureCookieName
		}
	}
	if c.LogoutReplayMax <= 0 {
		c.LogoutReplayMax = DefaultLogoutReplayMax
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxTokenBytes == 0 {
		c.MaxTokenBytes = DefaultMaxTokenBytes
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
