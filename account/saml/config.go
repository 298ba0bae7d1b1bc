package saml

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/signature"
)

// Defaults of the zero Config fields.
const (
	DefaultSkew             = time.Minute
	DefaultMaxResponseAge   = 10 * time.Minute
	DefaultRequestTTL       = 30 * time.Minute
	DefaultMaxResponseBytes = 512 << 10
	// DefaultCookieName names the binding cookie. The __Host- prefix makes
	// browsers refuse it unless it is Secure, has Path "/" and no Domain,
	// so no other host (a sibling subdomain) can set it.
	DefaultCookieName = "__Host-ozg_saml"
	// DefaultDevelopmentCookieName is the default for a plain-http ACS
	// under InsecureDevelopment, where the __Host- prefix is impossible
	// (browsers require Secure for it).
	DefaultDevelopmentCookieName = "ozg_saml"
)

// Config configures a ServiceProvider. After it has been passed to New it
// must not be modified.
type Config struct {
	// EntityID is the SP entityID: an https URL without port, user info,
	// query or fragment, at most 1024 characters, for every profile — the
	// same rule ValidateSPMetadata applies to the metadata Metadata()
	// generates (BundID §7.2; it cannot change after go-live since bPK2
	// depends on its host).
	EntityID string
	// ACSURL is the AssertionConsumerService URL (HTTP-POST binding):
	// https; plain http to a loopback host only with InsecureDevelopment.
	ACSURL string
	// SigningKey signs AuthnRequests; its certificate goes into the SP
	// metadata. Load it with signature.LoadPEM or signature.LoadPKCS12, or
	// pair any crypto.Signer (HSM) with signature.NewKeyPair.
	SigningKey *signature.KeyPair
	// DecryptionKey decrypts EncryptedAssertion key transport (RSA-OAEP).
	// Any crypto.Decrypter works; signature.KeyPair.Decrypter returns one.
	DecryptionKey crypto.Decrypter
	// EncryptionCertificate is the certificate of DecryptionKey, published
	// in the SP metadata.
	EncryptionCertificate *x509.Certificate
	// IdPMetadata is the IdP's metadata document, obtained out of band.
	// Only its signing certificates are trusted for responses. Either
	// IdPMetadata or IdPMetadataURL is required; with both, IdPMetadata is
	// the first copy and the URL refreshes it.
	IdPMetadata []byte
	// IdPMetadataURL loads the IdP metadata (https; plain http to a
	// loopback host only with InsecureDevelopment) and refreshes it in the
	// background, so that a signing-key rollover of the IdP is followed
	// (see RefreshMetadata). It requires IdPMetadataSigners: metadata
	// fetched over the network is trusted only when signed.
	IdPMetadataURL string
	// IdPMetadataSigners, if set, must have signed every metadata copy
	// (enveloped signature, see VerifyIdPMetadata): the pinned
	// certificates of a federation's or the IdP operator's metadata
	// signer. Nil accepts unsigned IdPMetadata obtained out of band.
	IdPMetadataSigners []*x509.Certificate
	// MetadataRefresh bounds how long a fetched metadata copy is used
	// before it is fetched again; default DefaultMetadataRefresh. A
	// shorter cacheDuration or validUntil of the metadata wins.
	MetadataRefresh time.Duration
	// HTTPClient fetches IdPMetadataURL; nil uses a client with a 30 s
	// timeout. Certificate errors are never retried.
	HTTPClient *http.Client
	// Profile selects IdP behaviour; see BundIDIntegration, BundIDProduction,
	// BayernID, MUK, Generic. Required.
	Profile Profile
	// Level is the minimum trust level requested and enforced when
	// LoginOptions.Level is not set. Required.
	Level account.Level
	// Extension is the akdb extension sent with every request of an AKDB
	// profile; LoginOptions may override methods and attributes. Required
	// for AKDB profiles; validated by New.
	Extension *Extension
	// Binding is the AuthnRequest binding: BindingHTTPPost or
	// BindingHTTPRedirect. New refuses a binding the IdP metadata does not
	// offer (ErrInvalidConfig), so that no login fails later. Empty selects
	// HTTP-POST (BundID §8.1 recommends it) when the IdP offers it, else
	// HTTP-Redirect; ServiceProvider.Binding reports the choice.
	Binding string
	// RequestSignatureMethod signs AuthnRequests; default the profile's
	// (MUK: signature.RSAPSSSHA256, which ELSTER requires), else
	// signature.DefaultMethod of the key (RSA: signature.RSASHA256).
	RequestSignatureMethod string
	// ForceAuthn is sent as ForceAuthn (BundID examples use true).
	ForceAuthn bool
	// Policy is the algorithm allow-list for response signatures; the zero
	// value allows RSA-SHA256+ and RSA-PSS, never SHA-1.
	Policy signature.Policy
	// KeyTransports and ContentAlgorithms restrict XML Encryption
	// algorithms; nil selects the xmlenc defaults (RSA-OAEP, AES-GCM).
	KeyTransports, ContentAlgorithms []string
	// InsecureAllowCBC accepts AES-CBC content encryption (legacy IdPs).
	// CBC without integrity protection is open to padding-oracle attacks;
	// do not set it for BundID.
	InsecureAllowCBC bool
	// AuthnContextLevels maps the AuthnContextClassRef values of a generic
	// IdP to levels, e.g. "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"
	// to LevelBasisregistrierung. STORK-QAA and eIDAS LoA URIs are always
	// understood; a class ref that is in neither gives LevelUnknown, which
	// fails every login (ErrLevel). Only the Generic profile (not AKDB, not
	// MUK) may set it: BundID, BayernID and MUK levels stay strict.
	AuthnContextLevels map[string]account.Level
	// RequestedAuthnContext lists the AuthnContextClassRef values a
	// generic IdP is asked for (Comparison "exact", SAML core §3.3.2.2.1).
	// Nil sends the STORK-QAA value of the level for AKDB and MUK
	// profiles and no RequestedAuthnContext for the Generic profile (a
	// generic IdP need not know STORK). Only the Generic profile may set
	// it. The level is enforced on the response either way.
	RequestedAuthnContext []string
	// RequiredAttributes lists attribute Names that every response must
	// carry with a value that parses; a response without one is refused
	// with an *account.AttributeError (ErrAttribute). AKDB profiles add
	// the Required attributes of the akdb extension (including bPK2) to
	// it. Every other attribute that does not parse is reported in
	// account.Identity.InvalidAttributes without blocking the login.
	RequiredAttributes []string
	// AllowTemporaryLogin accepts logins without a stable subject: a
	// BundID "Temporär Login" (no bPK2, BundID §5.3) or a generic IdP's
	// transient NameID. Such an Identity has Temporary set and an empty
	// Subject. The zero value refuses them (ErrSubject, check "subject"),
	// so that an application keying users on Subject can never merge
	// users under an empty or transient identifier.
	AllowTemporaryLogin bool
	// Skew is the allowed clock difference for every time check; default
	// DefaultSkew.
	Skew time.Duration
	// MaxResponseAge bounds how old a Response IssueInstant may be;
	// default DefaultMaxResponseAge.
	MaxResponseAge time.Duration
	// RequestTTL is how long a started login stays valid; default
	// DefaultRequestTTL.
	RequestTTL time.Duration
	// MaxResponseBytes bounds the decoded SAMLResponse; default
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// Store keeps pending requests and the assertion replay cache
	// (required): account/sqlstore for several instances, or an explicit
	// NewMemoryStore() for a single one. There is no silent in-memory
	// default, because a store that forgets on restart or is not shared
	// between instances breaks logins in flight and weakens the replay
	// check.
	Store Store
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives Debug/Info/Warn events without personal data; nil
	// means slog.Default().
	Logger *slog.Logger
	// TracerProvider receives a span per operation and MeterProvider
	// the metrics ozg.account.saml.operations and
	// ozg.account.saml.operation.duration (see docs/observability.md; attributes:
	// operation, outcome, refusal reason; never identities, subjects,
	// tokens, URLs or error texts). nil: the otel global providers, which
	// record nothing until the application installs its own
	// (otel.SetTracerProvider, otel.SetMeterProvider).
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// CookieName names the user-agent binding cookie; default
	// DefaultCookieName ("__Host-ozg_saml"), or
	// DefaultDevelopmentCookieName for a plain-http ACS. Keep the
	// __Host- prefix when you set your own name: without it, any host
	// under the same registrable domain can plant the cookie.
	CookieName string
	// InsecureDevelopment is the module's development switch: it allows
	// plain http to loopback hosts for the ACS URL and the IdP's
	// SingleSignOnService, and, when the ACS URL is plain http, sends the
	// binding cookie without the Secure flag and without the __Host-
	// prefix (an https ACS keeps the production cookie). Production profiles
	// (Profile.Production: BundIDProduction, BayernID, MUK) refuse it with
	// ErrInvalidConfig. The zero value is secure.
	//
	// A cookie without Secure cannot be SameSite=None (browsers drop it),
	// so it is sent SameSite=Lax, and a Lax cookie does not accompany the
	// cross-site POST with which a real IdP returns the response: every
	// login against an IdP on another site then fails with "binding
	// cookie missing" (ErrInResponseTo). It works only where IdP and SP
	// share a site (a local simulator on 127.0.0.1). Against a real IdP,
	// serve the ACS over https and leave InsecureDevelopment unset.
	InsecureDevelopment bool
}

// Validate reports the first problem of c, wrapping ErrInvalidConfig. New
// checks more (the IdP metadata, the binding it offers).
func (c *Config) Validate() error {
	bad := func(f string, a ...any) error { return fmt.Errorf("%w: "+f, append([]any{ErrInvalidConfig}, a...)...) }
	if p := entityIDProblem(c.EntityID); p != "" {
		return bad("EntityID: %s", p)
	}
	if !endpointURL(c.ACSURL, c.InsecureDevelopment) {
		return bad("ACSURL must be an https URL (plain http to a loopback host only with InsecureDevelopment)")
	}
	if c.SigningKey == nil || c.SigningKey.Signer == nil || c.SigningKey.Certificate == nil {
		return bad("SigningKey with certificate is required")
	}
	if c.DecryptionKey == nil && c.Profile.RequireEncryptedAssertion {
		return bad("DecryptionKey is required by the profile")
	}
	if c.DecryptionKey != nil && c.EncryptionCertificate == nil {
		return bad("EncryptionCertificate is required with DecryptionKey")
	}
	if len(c.IdPMetadata) == 0 && c.IdPMetadataURL == "" {
		return bad("IdPMetadata or IdPMetadataURL is required")
	}
	if c.IdPMetadataURL != "" {
		if !endpointURL(c.IdPMetadataURL, c.InsecureDevelopment) {
			return bad("IdPMetadataURL must be an https URL (plain http to a loopback host only with InsecureDevelopment)")
		}
		if len(c.IdPMetadataSigners) == 0 {
			return bad("IdPMetadataURL needs IdPMetadataSigners: fetched metadata must be signed")
		}
	}
	if c.Profile.Provider == "" {
		return bad("Profile is required")
	}
	if c.InsecureDevelopment && c.Profile.Production {
		return bad("InsecureDevelopment is refused by the production profile %s", c.Profile.Provider)
	}
	if c.Store == nil {
		return bad("Store is required (account/sqlstore, or NewMemoryStore for a single instance)")
	}
	generic := !c.Profile.AKDB && c.Profile.Provider != account.ProviderMUK
	if !generic && (c.AuthnContextLevels != nil || c.RequestedAuthnContext != nil) {
		return bad("AuthnContextLevels and RequestedAuthnContext are for the Generic profile only")
	}
	for ref, l := range c.AuthnContextLevels {
		if ref == "" || !l.Valid() {
			return bad("AuthnContextLevels needs non-empty class refs and valid levels")
		}
	}
	for _, ref := range c.RequestedAuthnContext {
		if ref == "" {
			return bad("RequestedAuthnContext has an empty class ref")
		}
	}
	if !c.Level.Valid() {
		return bad("Level is required")
	}
	if c.Profile.AKDB {
		if c.Extension == nil {
			return bad("Extension is required for AKDB profiles")
		}
		if err := c.Extension.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
	}
	switch c.Binding {
	case "", BindingHTTPPost, BindingHTTPRedirect:
	default:
		return bad("Binding must be HTTP-POST or HTTP-Redirect")
	}
	if c.CookieName != "" {
		if err := (&http.Cookie{Name: c.CookieName, Value: "x"}).Valid(); err != nil {
			return bad("CookieName is not a valid cookie name")
		}
		if c.insecureCookie() && (strings.HasPrefix(c.CookieName, "__Host-") || strings.HasPrefix(c.CookieName, "__Secure-")) {
			return bad("CookieName with __Host- or __Secure- prefix needs a Secure cookie (an https ACSURL)")
		}
	}
	if c.Skew < 0 || c.MaxResponseAge < 0 || c.RequestTTL < 0 || c.MaxResponseBytes < 0 || c.MetadataRefresh < 0 {
		return bad("durations and limits must not be negative")
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.RequestSignatureMethod == "" {
		c.RequestSignatureMethod = signature.RSASHA256
		if m, err := signature.DefaultMethod(c.SigningKey.Signer.Public()); err == nil {
			c.RequestSignatureMethod = m.URI
		}
		if _, rsaKey := c.SigningKey.Signer.Public().(*rsa.PublicKey); rsaKey && c.Profile.RequestSignatureMethod != "" {
			c.RequestSignatureMethod = c.Profile.RequestSignatureMethod
		}
	}
	if c.Skew == 0 {
		c.Skew = DefaultSkew
	}
	if c.MaxResponseAge == 0 {
		c.MaxResponseAge = DefaultMaxResponseAge
	}
	if c.RequestTTL == 0 {
		c.RequestTTL = DefaultRequestTTL
	}
	if c.MaxResponseBytes == 0 {
		c.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MetadataRefresh == 0 {
		c.MetadataRefresh = DefaultMetadataRefresh
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: metadataFetchTimeout}
	}
	if c.CookieName == "" {
		c.CookieName = DefaultCookieName
		if c.insecureCookie() {
			c.CookieName = DefaultDevelopmentCookieName
		}
	}
	return c
}

// entityIDProblem is the one entityID rule of this package, shared by
// Config.Validate and ValidateSPMetadata: an https URL with a host, without
// port, user info, query or fragment, at most 1024 characters (SAML core
// §8.3.6 allows 1024; BundID §7.2 the rest). It returns "" when s is fine.
func entityIDProblem(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Scheme != "https" || u.Host == "" || u.Opaque != "":
		return "entityID must be an https URL"
	case len(s) > 1024:
		return "entityID must be at most 1024 characters"
	case u.Port() != "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return "entityID must not contain a port, user info, query or fragment"
	}
	return ""
}

// insecureCookie reports whether the binding cookie goes without Secure:
// only in development and only for a plain-http ACS, where browsers refuse
// Secure cookies.
func (c *Config) insecureCookie() bool {
	return c.InsecureDevelopment && strings.HasPrefix(c.ACSURL, "http://")
}
