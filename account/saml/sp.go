package saml

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/account/internal/uabind"
	"github.com/egosaar/ozg/internal/telemetry"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/xmldsig"
	"github.com/egosaar/ozg/signature/xmlenc"
)

// ServiceProvider is a SAML 2.0 service provider for one IdP (Web Browser
// SSO profile, SAML 2.0 profiles §4.1). It is safe for concurrent use.
type ServiceProvider struct {
	cfg       Config
	entityID  string // the IdP's entityID; a refresh never changes it
	meta      atomic.Pointer[idpState]
	refreshes atomic.Bool // a background refresh is running
	reqMethod signature.Method
	signer    *xmldsig.Signer
	decrypter *xmlenc.Decrypter
	tel       *telemetry.Telemetry
}

// New validates cfg, parses the IdP metadata and prepares signing,
// verification and decryption. The IdP's metadata signing certificates
// become the only trusted keys (pinned); a certificate sent in a message's
// KeyInfo is never trusted by itself.
func New(cfg Config) (*ServiceProvider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	data := cfg.IdPMetadata
	if len(data) == 0 {
		ctx, cancel := context.WithTimeout(context.Background(), metadataFetchTimeout)
		defer cancel()
		var err error
		if data, err = fetchMetadata(ctx, cfg.HTTPClient, cfg.IdPMetadataURL); err != nil {
			return nil, fmt.Errorf("%w: IdP metadata: %w", ErrInvalidConfig, err)
		}
	}
	idp, err := readIdPMetadata(context.Background(), data, cfg.IdPMetadataSigners)
	if err != nil {
		return nil, fmt.Errorf("%w: IdP metadata: %w", ErrInvalidConfig, err)
	}
	if !idp.ValidUntil.IsZero() && !cfg.Now().Before(idp.ValidUntil) {
		return nil, fmt.Errorf("%w: IdP metadata expired (validUntil)", ErrInvalidConfig)
	}
	if cfg.Profile.IdPEntityID != "" && idp.EntityID != cfg.Profile.IdPEntityID {
		return nil, fmt.Errorf("%w: IdP metadata is for %q, profile expects %q", ErrInvalidConfig, idp.EntityID, cfg.Profile.IdPEntityID)
	}
	// Decide the binding now, so that no login fails later with a
	// configuration error (a 500 for the citizen).
	switch {
	case cfg.Binding == "" && idp.SSOPost != "":
		cfg.Binding = BindingHTTPPost
	case cfg.Binding == "":
		cfg.Binding = BindingHTTPRedirect
	case cfg.Binding == BindingHTTPPost && idp.SSOPost == "",
		cfg.Binding == BindingHTTPRedirect && idp.SSORedirect == "":
		return nil, fmt.Errorf("%w: Binding %s is not offered by the IdP metadata", ErrInvalidConfig, cfg.Binding)
	}
	sp := &ServiceProvider{cfg: cfg, entityID: idp.EntityID, tel: newTelemetry(&cfg)}
	if err := sp.checkEndpoint(idp); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if sp.reqMethod, err = (signature.Policy{}).SignatureMethod(cfg.RequestSignatureMethod); err != nil {
		return nil, fmt.Errorf("%w: RequestSignatureMethod: %w", ErrInvalidConfig, err)
	}
	switch cfg.SigningKey.Signer.Public().(type) {
	case *rsa.PublicKey:
		if sp.reqMethod.Key != signature.KeyRSA && sp.reqMethod.Key != signature.KeyRSAPSS {
			return nil, fmt.Errorf("%w: RequestSignatureMethod does not fit the RSA SigningKey", ErrInvalidConfig)
		}
	case *ecdsa.PublicKey:
		if sp.reqMethod.Key != signature.KeyECDSA {
			return nil, fmt.Errorf("%w: RequestSignatureMethod does not fit the ECDSA SigningKey", ErrInvalidConfig)
		}
	default:
		return nil, fmt.Errorf("%w: SigningKey must be RSA or ECDSA", ErrInvalidConfig)
	}
	if err := sp.initCrypto(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	st, err := sp.newState(idp, cfg.Now())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	sp.meta.Store(st)
	return sp, nil
}

// Binding returns the AuthnRequest binding decided by New: Config.Binding,
// or the one the IdP offers when that was empty.
func (sp *ServiceProvider) Binding() string { return sp.cfg.Binding }

// IdP returns the parsed IdP metadata.
func (sp *ServiceProvider) IdP() IdPMetadata { return *sp.meta.Load().md }

// Metadata returns the SP metadata document to upload to the IdP (BundID:
// self-service portal). It follows BundID §7.2: no validUntil, no ID.
func (sp *ServiceProvider) Metadata() ([]byte, error) {
	enc := sp.cfg.EncryptionCertificate
	if enc == nil {
		enc = sp.cfg.SigningKey.Certificate
	}
	m := &SPMetadata{
		EntityID: sp.cfg.EntityID, ACSURL: sp.cfg.ACSURL,
		SigningCertificate: sp.cfg.SigningKey.Certificate, EncryptionCertificate: enc,
		EncryptionMethods: []string{xmlenc.AES256GCM, xmlenc.AES128GCM, xmlenc.RSAOAEP, xmlenc.RSAOAEPMGF1P},
	}
	if sp.cfg.Profile.SubjectFromNameID {
		// The subject is the persistent NameID: an IdP that picks the
		// first listed format (without NameIDPolicy) must pick it.
		m.NameIDFormats = []string{NameIDFormatPersistent, NameIDFormatTransient}
	}
	return m.Marshal()
}

// LoginOptions vary one login. Zero fields take the Config values.
type LoginOptions struct {
	// Level overrides Config.Level.
	Level account.Level
	// AuthnMethods overrides Extension.AuthnMethods (AKDB profiles).
	AuthnMethods []AuthnMethod
	// RequestedAttributes overrides Extension.RequestedAttributes.
	RequestedAttributes []RequestedAttribute
	// Lang overrides Extension.Display.Lang.
	Lang string
	// ReturnTo is a local path ("/antrag/42") to continue at after the
	// login; it is stored server-side and returned by FinishLogin. Absolute
	// and protocol-relative URLs are refused (no open redirect).
	ReturnTo string
}

// Login is the result of FinishLogin.
type Login struct {
	Identity *account.Identity
	ReturnTo string
}

// AuthnRequest builds (but does not sign or record) the AuthnRequest for
// opts. StartLogin uses it; it is exported for callers that run their own
// binding.
func (sp *ServiceProvider) AuthnRequest(opts LoginOptions) (*AuthnRequest, error) {
	lvl := sp.cfg.Level
	if opts.Level != account.LevelUnknown {
		if !opts.Level.Valid() {
			return nil, fmt.Errorf("%w: invalid level", ErrInvalidConfig)
		}
		lvl = opts.Level
	}
	st, err := sp.current(context.Background())
	if err != nil {
		return nil, err
	}
	dest := st.md.SSOPost
	if sp.cfg.Binding == BindingHTTPRedirect {
		dest = st.md.SSORedirect
	}
	if dest == "" {
		return nil, fmt.Errorf("%w: IdP has no SSO endpoint for %s", ErrInvalidConfig, sp.cfg.Binding)
	}
	r := &AuthnRequest{
		ID: samlwire.NewID(), IssueInstant: sp.cfg.Now(), Destination: dest, Issuer: sp.cfg.EntityID,
		ACSURL: sp.cfg.ACSURL, ProtocolBinding: BindingHTTPPost, ForceAuthn: sp.cfg.ForceAuthn,
		Level: lvl, NameIDFormat: sp.cfg.Profile.NameIDFormat,
		AuthnContextClassRefs: sp.cfg.RequestedAuthnContext,
	}
	if sp.generic() && r.AuthnContextClassRefs == nil {
		// A generic IdP need not understand STORK; the level is still
		// enforced on the response.
		r.OmitAuthnContext = true
	}
	if sp.cfg.Profile.AKDB && sp.cfg.Extension != nil {
		ext := *sp.cfg.Extension
		if opts.AuthnMethods != nil {
			ext.AuthnMethods = opts.AuthnMethods
		}
		if opts.RequestedAttributes != nil {
			ext.RequestedAttributes = opts.RequestedAttributes
		}
		if opts.Lang != "" {
			ext.Display.Lang = opts.Lang
		}
		if err := ext.Validate(); err != nil {
			return nil, err
		}
		r.Extension = &ext
	}
	return r, nil
}

// StartLogin sends the user agent to the IdP: it builds and signs an
// AuthnRequest, records it under a fresh RelayState bound to the user
// agent by a random HttpOnly cookie (CSRF and login-injection defence,
// RFC 9700 §4.7 by analogy; BundID Anbindungsleitfaden), and writes either
// the auto-submitting POST form or the signed Redirect.
func (sp *ServiceProvider) StartLogin(ctx context.Context, w http.ResponseWriter, r *http.Request, opts LoginOptions) (err error) {
	ctx, op := sp.tel.Start(ctx, opStartLogin, trace.SpanKindServer)
	defer op.End(&err)
	if opts.ReturnTo != "" && !uabind.LocalPath(opts.ReturnTo) {
		return fmt.Errorf("%w: ReturnTo must be a local path", ErrInvalidConfig)
	}
	req, err := sp.AuthnRequest(opts)
	if err != nil {
		return err
	}
	bind, cookie := sp.binding().Fresh(r)
	relay := uabind.Random(16)
	pending := PendingRequest{ID: req.ID, BindingHash: uabind.Hash(bind), Level: req.Level, ReturnTo: opts.ReturnTo,
		Expires: sp.cfg.Now().Add(sp.cfg.RequestTTL)}
	pending.Required = append(pending.Required, sp.cfg.RequiredAttributes...)
	if req.Extension != nil {
		for _, a := range req.Extension.RequestedAttributes {
			pending.Requested = append(pending.Requested, a.Name)
			if a.Required && !slices.Contains(pending.Required, a.Name) {
				pending.Required = append(pending.Required, a.Name)
			}
		}
	}
	var query string
	var body []byte
	if sp.cfg.Binding == BindingHTTPRedirect {
		xml, err := serialize(req.Element())
		if err != nil {
			return err
		}
		query, err = encodeRedirect("SAMLRequest", xml, relay, sp.cfg.SigningKey.Signer, sp.cfg.RequestSignatureMethod, sp.reqMethod)
		if err != nil {
			return fmt.Errorf("saml: sign redirect request: %w", err)
		}
	} else {
		el := req.Element()
		if err := sp.signer.SignElement(el); err != nil {
			return fmt.Errorf("saml: sign request: %w", err)
		}
		if body, err = serialize(el); err != nil {
			return err
		}
	}
	if err := sp.cfg.Store.SaveRequest(ctx, relay, pending, sp.cfg.Now()); err != nil {
		return fmt.Errorf("saml: save pending request: %w", err)
	}
	http.SetCookie(w, cookie)
	sp.cfg.Logger.DebugContext(ctx, "saml: login started", "request_id", req.ID, "binding", sp.cfg.Binding, "level", req.Level.String())
	if query != "" {
		sep := "?"
		if strings.Contains(req.Destination, "?") {
			sep = "&"
		}
		w.Header().Set("Cache-Control", "no-cache, no-store")
		http.Redirect(w, r, req.Destination+sep+query, http.StatusFound)
		return nil
	}
	return WritePostForm(w, req.Destination, url.Values{
		"SAMLRequest": {base64.StdEncoding.EncodeToString(body)},
		"RelayState":  {relay},
	})
}

// FinishLogin handles the POST to the AssertionConsumerService: it finds
// the pending request by RelayState, checks that the same user agent
// started it, consumes it (single use), and verifies the response with
// ParseResponse. Errors wrap the sentinels of this package; show the
// citizen a generic message. Every refusal is logged with its reason (the
// failed check and sentinel, the SAML status, the attribute Name; never
// personal data): security-relevant ones at Warn, the rest at Info.
func (sp *ServiceProvider) FinishLogin(ctx context.Context, w http.ResponseWriter, r *http.Request) (_ *Login, err error) {
	ctx, op := sp.tel.Start(ctx, opFinishLogin, trace.SpanKindServer)
	defer endLogin(op, &err)
	login, requestID, err := sp.finishLogin(ctx, w, r)
	if err != nil {
		sp.logRefusal(ctx, requestID, err)
		return nil, err
	}
	sp.cfg.Logger.InfoContext(ctx, "saml: login accepted", "request_id", requestID, "identity", login.Identity)
	return login, nil
}

// logRefusal logs why a login was refused: the check and the sentinel,
// never the error text of a status message or any attribute value.
// Signature, replay and binding failures are security events (Warn);
// the rest are Info.
func (sp *ServiceProvider) logRefusal(ctx context.Context, requestID string, err error) {
	attrs := []any{"request_id", requestID, "reason", refusalReason(err)}
	var re *ResponseError
	if errors.As(err, &re) {
		attrs = append(attrs, "check", re.Check)
	}
	var se *StatusError
	if errors.As(err, &se) {
		attrs = append(attrs, "status", shortStatus(se.Code), "sub_status", shortStatus(se.SubCode), "verified", se.Verified)
	}
	var ae *account.AttributeError
	if errors.As(err, &ae) {
		// Attribute Names are URNs from the catalogue, not personal data.
		attrs = append(attrs, "attribute", ae.Name, "missing", ae.Missing)
	}
	lvl := slog.LevelInfo
	if errors.Is(err, ErrReplay) || errors.Is(err, ErrSignature) || errors.Is(err, ErrInResponseTo) ||
		errors.Is(err, ErrAudience) || errors.Is(err, ErrDestination) || errors.Is(err, ErrRecipient) || errors.Is(err, ErrIssuer) {
		lvl = slog.LevelWarn
	}
	sp.cfg.Logger.Log(ctx, lvl, "saml: login refused", attrs...)
}

// refusalReason names the sentinel err wraps (its text, e.g. "saml: wrong
// audience"), or "internal" for a store or I/O failure.
func refusalReason(err error) string {
	for _, s := range []error{ErrLimit, ErrMalformed, ErrSignature, ErrDecryption, ErrIssuer, ErrDestination,
		ErrRecipient, ErrAudience, ErrInResponseTo, ErrExpired, ErrNotYetValid, ErrReplay, ErrLevel, ErrStatus,
		ErrSubject, ErrAttribute, ErrBinding, ErrInvalidConfig} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "internal"
}

func (sp *ServiceProvider) finishLogin(ctx context.Context, w http.ResponseWriter, r *http.Request) (*Login, string, error) {
	if r.Method != http.MethodPost {
		return nil, "", fmt.Errorf("%w: ACS accepts POST only", ErrBinding)
	}
	// base64 grows by 4/3; allow form overhead.
	r.Body = http.MaxBytesReader(w, r.Body, sp.cfg.MaxResponseBytes*4/3+8192)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", fmt.Errorf("%w: response body too large", ErrLimit)
		}
		return nil, "", fmt.Errorf("%w: unreadable form", ErrBinding)
	}
	if len(r.PostForm["SAMLResponse"]) != 1 || len(r.PostForm["RelayState"]) > 1 {
		return nil, "", fmt.Errorf("%w: exactly one SAMLResponse required", ErrBinding)
	}
	relay := r.PostForm.Get("RelayState")
	if relay == "" {
		// IdP-initiated SSO is not supported: every response must answer
		// a request of this user agent (profiles §4.1.5 allows refusing).
		return nil, "", &ResponseError{Check: "relay_state", Err: fmt.Errorf("%w: no RelayState", ErrInResponseTo)}
	}
	bindings := sp.binding().Incoming(r)
	if len(bindings) == 0 {
		return nil, "", &ResponseError{Check: "binding_cookie", Err: fmt.Errorf("%w: binding cookie missing", ErrInResponseTo)}
	}
	now := sp.cfg.Now()
	pending, err := sp.cfg.Store.Request(ctx, relay, now)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, "", &ResponseError{Check: "relay_state", Err: fmt.Errorf("%w: unknown or used RelayState", ErrInResponseTo)}
		}
		return nil, "", fmt.Errorf("saml: load pending request: %w", err)
	}
	used := uabind.Match(bindings, pending.BindingHash)
	if used < 0 {
		return nil, pending.ID, &ResponseError{Check: "binding_cookie", Err: fmt.Errorf("%w: started by another user agent", ErrInResponseTo)}
	}
	if err := sp.cfg.Store.ConsumeRequest(ctx, relay); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, pending.ID, &ResponseError{Check: "relay_state", Err: fmt.Errorf("%w: RelayState already used", ErrInResponseTo)}
		}
		return nil, pending.ID, fmt.Errorf("saml: consume pending request: %w", err)
	}
	// The binding value has done its job: drop it from the cookie.
	http.SetCookie(w, sp.binding().Without(bindings, used))
	raw := strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, r.PostForm.Get("SAMLResponse"))
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, pending.ID, &ResponseError{Check: "binding", Err: fmt.Errorf("%w: SAMLResponse not base64", ErrBinding)}
	}
	id, err := sp.ParseResponse(ctx, data, pending)
	if err != nil {
		return nil, pending.ID, err
	}
	return &Login{Identity: id, ReturnTo: pending.ReturnTo}, pending.ID, nil
}

// binding describes the user-agent binding cookie (package uabind): the
// configured name, the request lifetime and, for development over plain
// http, no Secure. With Secure the default name carries the __Host-
// prefix, so a sibling subdomain cannot plant or overwrite it.
func (sp *ServiceProvider) binding() uabind.Cookie {
	return uabind.Cookie{Name: sp.cfg.CookieName, TTL: sp.cfg.RequestTTL, Insecure: sp.cfg.insecureCookie()}
}

// generic reports the Generic profile (neither AKDB nor MUK).
func (sp *ServiceProvider) generic() bool {
	return !sp.cfg.Profile.AKDB && sp.cfg.Profile.Provider != account.ProviderMUK
}
