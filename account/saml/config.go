package saml

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

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
	// DefaultInsecureCookieName is the default with InsecureCookie, where
	// the __Host- prefix is impossible (browsers require Secure for it).
	DefaultInsecureCookieName = "ozg_saml"
)

// Config configures a ServiceProvider. After it has been passed to New it
// must not be modified.
type Config struct {
	// EntityID is the SP entityID: an https URL without port (BundID
	// §7.2; it cannot change after go-live since bPK2 depends on its host).
	EntityID string
	// ACSURL is the AssertionConsumerService URL (HTTP-POST binding): https,
	// or plain http for a loopback host during development.
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
	// IdPMetadata is the IdP's metadata document (required). Only its
	// signing certificates are trusted for responses.
	IdPMetadata []byte
	// IdPMetadataSigners, if set, must have signed IdPMetadata (enveloped
	// signature, see VerifyIdPMetadata); nil accepts unsigned metadata
	// obtained out of band.
	IdPMetadataSigners []*x509.Certificate
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
	// Binding is the AuthnRequest binding: BindingHTTPPost (default, as
	// BundID §8.1 recommends) or BindingHTTPRedirect.
	Binding string
	// RequestSignatureMethod signs AuthnRequests; default
	// signature.DefaultMethod of the key (RSA: signature.RSASHA256; ELSTER
	// and MUK want signature.RSAPSSSHA256).
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
	// Store keeps pending requests and the assertion replay cache; nil
	// uses a MemoryStore (single instance only).
	Store Store
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives Debug/Info/Warn events without personal data; nil
	// means slog.Default().
	Logger *slog.Logger
	// CookieName names the user-agent binding cookie; default
	// DefaultCookieName ("__Host-ozg_saml"), or DefaultInsecureCookieName
	// with InsecureCookie. Keep the __Host- prefix when you set your own
	// name: without it, any host under the same registrable domain can
	// plant the cookie.
	CookieName string
	// InsecureCookie sends the binding cookie without the Secure flag
	// (SameSite=Lax instead of None) and without the __Host- prefix, for
	// plain-http development only.
	InsecureCookie bool
}

// Validate reports the first problem of c, wrapping ErrConfig.
func (c *Config) Validate() error {
	bad := func(f string, a ...any) error { return fmt.Errorf("%w: "+f, append([]any{ErrConfig}, a...)...) }
	if u, err := url.Parse(c.EntityID); err != nil || !u.IsAbs() || len(c.EntityID) > 1024 {
		return bad("EntityID must be an absolute URI of at most 1024 characters")
	}
	if !webURL(c.ACSURL) {
		return bad("ACSURL must be an https URL (plain http only for loopback hosts)")
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
	if len(c.IdPMetadata) == 0 {
		return bad("IdPMetadata is required")
	}
	if c.Profile.Provider == "" {
		return bad("Profile is required")
	}
	if !c.Level.Valid() {
		return bad("Level is required")
	}
	if c.Profile.AKDB {
		if c.Extension == nil {
			return bad("Extension is required for AKDB profiles")
		}
		if err := c.Extension.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrConfig, err)
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
		if c.InsecureCookie && (strings.HasPrefix(c.CookieName, "__Host-") || strings.HasPrefix(c.CookieName, "__Secure-")) {
			return bad("CookieName with __Host- or __Secure- prefix needs a Secure cookie (InsecureCookie unset)")
		}
	}
	if c.Skew < 0 || c.MaxResponseAge < 0 || c.RequestTTL < 0 || c.MaxResponseBytes < 0 {
		return bad("durations and limits must not be negative")
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Binding == "" {
		c.Binding = BindingHTTPPost
	}
	if c.RequestSignatureMethod == "" {
		c.RequestSignatureMethod = signature.RSASHA256
		if m, err := signature.DefaultMethod(c.SigningKey.Signer.Public()); err == nil {
			c.RequestSignatureMethod = m.URI
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
	if c.Store == nil {
		c.Store = NewMemoryStore()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.CookieName == "" {
		c.CookieName = DefaultCookieName
		if c.InsecureCookie {
			c.CookieName = DefaultInsecureCookieName
		}
	}
	return c
}
