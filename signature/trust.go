package signature

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"time"
)

// RevocationChecker decides whether a verified chain (leaf first, anchor
// last) is revoked, e.g. by OCSP or CRL. Return an error wrapping
// [ErrRevoked] for a revoked certificate; any other error means "status
// unknown" and also fails verification (fail closed). It must honour ctx.
type RevocationChecker interface {
	CheckRevocation(ctx context.Context, chain []*x509.Certificate) error
}

// TrustConfig configures a [TrustStore]. At least one of Anchors, Pinned or
// PinnedKeys must be set.
type TrustConfig struct {
	// Anchors are the trust anchors (root certificates, e.g. the
	// Verwaltungs-PKI roots or an IdP's metadata certificate).
	Anchors []*x509.Certificate
	// Intermediates are additional untrusted certificates offered for path
	// building (they are not trusted by themselves).
	Intermediates []*x509.Certificate
	// Pinned certificates are trusted by exact DER match only (no chain),
	// e.g. a SAML IdP's metadata certificate or a FIT-Connect test key.
	Pinned []*x509.Certificate
	// PinnedKeys are bare public keys (*rsa.PublicKey, *ecdsa.PublicKey,
	// ed25519.PublicKey) trusted by exact match of their
	// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), for partners that publish
	// a key rather than a certificate (a PEM "PUBLIC KEY", a JWK, a
	// KeyValue in metadata). A bare key has no validity period and no
	// revocation: trust ends only when it is removed from the
	// configuration. It is checked by [TrustStore.VerifyKey], never by
	// [TrustStore.Verify]: a certificate is not trusted because it carries
	// a pinned key. The verifier's [Policy] still checks its strength.
	PinnedKeys []crypto.PublicKey
	// KeyUsage lists the key usage bits (RFC 5280 §4.2.1.3) of which the
	// signing certificate must carry at least one. Zero means
	// [DefaultSigningKeyUsage] (digitalSignature or contentCommitment,
	// formerly nonRepudiation): a certificate limited to key or data
	// encipherment, key agreement or certificate signing (a CA) must not
	// be accepted as a signer. It applies to every certificate the store
	// accepts, pinned or anchored. A certificate without the key usage
	// extension is unrestricted by RFC 5280 §4.2.1.3 and accepted: most
	// self-signed SAML metadata certificates carry none.
	KeyUsage x509.KeyUsage
	// ExtKeyUsages restricts the extended key usages (RFC 5280 §4.2.1.12)
	// along a chain to an anchor; nil accepts any (x509.ExtKeyUsageAny)
	// because no standard EKU exists for XML or JOSE document signing
	// (certificates of the Verwaltungs-PKI carry none, or e-mail and
	// client-authentication EKUs), so KeyUsage above is what restricts the
	// purpose by default. Pinned certificates are not checked against it.
	ExtKeyUsages []x509.ExtKeyUsage
	// Revocation is called for every chain that otherwise verifies; nil
	// means no revocation check.
	Revocation RevocationChecker
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// InsecureIgnorePinnedValidity accepts a pinned certificate outside its
	// validity window (some IdPs publish long-expired self-signed metadata
	// certificates; SAML metadata trust does not depend on them).
	InsecureIgnorePinnedValidity bool
}

// DefaultSigningKeyUsage is the key usage of the zero [TrustConfig]: a
// signing certificate must allow digitalSignature or contentCommitment
// (nonRepudiation), RFC 5280 §4.2.1.3.
const DefaultSigningKeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment

// TrustStore verifies certificates against configured anchors and pinned
// certificates or keys. Its configuration is immutable after
// [NewTrustStore]; it is safe for concurrent use.
//
// Paths built to an anchor are cached (at most 256 leaf certificates,
// keyed by the leaf and the intermediates offered with it), each only for
// the time in which every certificate on it is valid at the store's clock:
// repeated verifications of the same signer skip the path building and
// its signature checks. The [RevocationChecker] is still asked on every
// call, so revocation is as fresh as the checker's own answers
// ([OCSPChecker] keeps a good response until its nextUpdate). Failures are
// never cached.
type TrustStore struct {
	roots         *x509.CertPool
	intermediates []*x509.Certificate
	anchors       []*x509.Certificate
	pinned        [][]byte
	pinnedKeys    [][]byte // SubjectPublicKeyInfo DER
	keyUsages     []x509.ExtKeyUsage
	keyUsage      x509.KeyUsage
	revocation    RevocationChecker
	now           func() time.Time
	paths         pathCache
	ignorePinned  bool
}

// NewTrustStore validates cfg and returns a TrustStore.
func NewTrustStore(cfg TrustConfig) (*TrustStore, error) {
	v, err := newTrustStore(cfg)
	if err != nil {
		return nil, invalidConfig(err)
	}
	return v, nil
}

func newTrustStore(cfg TrustConfig) (*TrustStore, error) {
	if len(cfg.Anchors) == 0 && len(cfg.Pinned) == 0 && len(cfg.PinnedKeys) == 0 {
		return nil, errors.New("signature: trust config: no anchors, pinned certificates or pinned keys")
	}
	s := &TrustStore{
		roots:         x509.NewCertPool(),
		intermediates: slices.Clone(cfg.Intermediates),
		anchors:       slices.Clone(cfg.Anchors),
		keyUsages:     slices.Clone(cfg.ExtKeyUsages),
		keyUsage:      cfg.KeyUsage,
		revocation:    cfg.Revocation,
		now:           cfg.Now,
		ignorePinned:  cfg.InsecureIgnorePinnedValidity,
	}
	for i, c := range cfg.Anchors {
		if c == nil {
			return nil, fmt.Errorf("signature: trust config: anchor %d is nil", i)
		}
		s.roots.AddCert(c)
	}
	for i, c := range cfg.Intermediates {
		if c == nil {
			return nil, fmt.Errorf("signature: trust config: intermediate %d is nil", i)
		}
	}
	for i, c := range cfg.Pinned {
		if c == nil || len(c.Raw) == 0 {
			return nil, fmt.Errorf("signature: trust config: pinned certificate %d is nil or not parsed", i)
		}
		raw := slices.Clone(c.Raw)
		// The store keeps only the DER; Pinned parses it again.
		if _, err := x509.ParseCertificate(raw); err != nil {
			return nil, fmt.Errorf("signature: trust config: pinned certificate %d: %w", i, err)
		}
		s.pinned = append(s.pinned, raw)
	}
	for i, k := range cfg.PinnedKeys {
		der, err := marshalPublicKey(k)
		if err != nil {
			return nil, fmt.Errorf("signature: trust config: pinned key %d: %w", i, err)
		}
		s.pinnedKeys = append(s.pinnedKeys, der)
	}
	if s.keyUsage == 0 {
		s.keyUsage = DefaultSigningKeyUsage
	}
	if len(s.keyUsages) == 0 {
		s.keyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Verify checks leaf: first against the pinned certificates (exact DER
// match, constant-time, validity at Now unless
// InsecureIgnorePinnedValidity), then by building a path through
// intermediates (the caller's, e.g. from KeyInfo or x5c, and the
// configured ones) to an anchor at Now with the configured key usages;
// finally the revocation checker is called. Before any of this the leaf's
// key usage must allow signing ([TrustConfig.KeyUsage]). It returns the verified chain
// leaf..anchor (just the leaf when pinned). Failures are [*TrustError]s
// wrapping [ErrUntrustedKey] and, as applicable, [ErrCertificateExpired]
// or [ErrRevoked].
func (s *TrustStore) Verify(ctx context.Context, leaf *x509.Certificate, intermediates []*x509.Certificate) ([]*x509.Certificate, error) {
	if leaf == nil {
		return nil, &TrustError{Reason: TrustUnknownAuthority, Err: errors.New("no certificate")}
	}
	now := s.now()
	// The subject's text (pkix name formatting, a dozen allocations) is
	// built only for an error: a successful verification never needs it.
	if !s.keyUsageAllowed(leaf) {
		return nil, &TrustError{Reason: TrustKeyUsage, Subject: leaf.Subject.String(), Err: errKeyUsage}
	}
	if s.isPinned(leaf) {
		if !s.ignorePinned && (now.Before(leaf.NotBefore) || now.After(leaf.NotAfter)) {
			return nil, &TrustError{Reason: TrustExpired, Subject: leaf.Subject.String()}
		}
		chain := []*x509.Certificate{leaf}
		if err := s.checkRevocation(ctx, chain, leaf); err != nil {
			return nil, err
		}
		return chain, nil
	}
	if len(s.anchors) == 0 {
		return nil, &TrustError{Reason: TrustUnknownAuthority, Subject: leaf.Subject.String()}
	}
	key := chainKey(leaf, intermediates)
	if chains := s.paths.get(key, now); len(chains) > 0 {
		// The checker is asked once per path, as without the cache (a
		// refused path is not built and asked again).
		return s.firstUnrevoked(ctx, chains, leaf)
	}
	pool := x509.NewCertPool()
	for _, c := range s.intermediates {
		pool.AddCert(c)
	}
	for _, c := range intermediates {
		if c != nil {
			pool.AddCert(c)
		}
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         s.roots,
		Intermediates: pool,
		CurrentTime:   now,
		KeyUsages:     s.keyUsages,
	})
	if err != nil {
		return nil, s.classify(leaf, err, now)
	}
	s.paths.put(key, chains)
	return s.firstUnrevoked(ctx, chains, leaf)
}

// firstUnrevoked returns the first chain the revocation checker accepts,
// or the first refusal.
func (s *TrustStore) firstUnrevoked(ctx context.Context, chains [][]*x509.Certificate, leaf *x509.Certificate) ([]*x509.Certificate, error) {
	var firstErr error
	for _, chain := range chains {
		err := s.checkRevocation(ctx, chain, leaf)
		if err == nil {
			// A copy: the cached path must not change with the caller's.
			return slices.Clone(chain), nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// Pinned returns the pinned certificates in configuration order, freshly
// parsed on every call (changing them changes nothing in the store). It
// lets a verifier that received no certificate with a signature (an XML
// signature without KeyInfo, as many SAML IdPs send) try each pinned key
// in turn. A candidate is trusted only after [TrustStore.Verify] accepted
// it, which applies the same validity, revocation and pinning rules as for
// a certificate that came with the message; anchors never yield
// candidates.
func (s *TrustStore) Pinned() []*x509.Certificate {
	out := make([]*x509.Certificate, 0, len(s.pinned))
	for _, raw := range s.pinned {
		// NewTrustStore parsed the same bytes, so this cannot fail.
		if c, err := x509.ParseCertificate(raw); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// PinnedKeys returns the bare pinned keys in configuration order, freshly
// parsed on every call. Like [TrustStore.Pinned] it lets a verifier try
// each pinned key against a signature that names no trusted certificate; a
// candidate is trusted only after [TrustStore.VerifyKey] accepted it.
func (s *TrustStore) PinnedKeys() []crypto.PublicKey {
	out := make([]crypto.PublicKey, 0, len(s.pinnedKeys))
	for _, der := range s.pinnedKeys {
		// NewTrustStore marshalled a parsed key, so this cannot fail.
		if k, err := x509.ParsePKIXPublicKey(der); err == nil {
			out = append(out, k)
		}
	}
	return out
}

// VerifyKey accepts pub if it is one of the bare [TrustConfig.PinnedKeys]
// (exact SubjectPublicKeyInfo match, constant-time). The key of a pinned
// or anchored certificate is not accepted here: certificates go through
// [TrustStore.Verify], which checks their validity. Failures are
// [*TrustError]s wrapping [ErrUntrustedKey], or the context's error.
func (s *TrustStore) VerifyKey(ctx context.Context, pub crypto.PublicKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	der, err := marshalPublicKey(pub)
	if err != nil {
		return &TrustError{Reason: TrustKeyNotPinned, Err: err}
	}
	// Public keys are public: a plain comparison leaks nothing (see
	// isPinned).
	for _, p := range s.pinnedKeys {
		if bytes.Equal(p, der) {
			return nil
		}
	}
	return &TrustError{Reason: TrustKeyNotPinned}
}

// marshalPublicKey returns the SubjectPublicKeyInfo DER of a supported
// public key.
func marshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return nil, keyErr("pin key", "nil RSA key", nil)
		}
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return nil, keyErr("pin key", "nil ECDSA key", nil)
		}
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, keyErr("pin key", "malformed Ed25519 key", nil)
		}
	default:
		return nil, keyErr("pin key", fmt.Sprintf("unsupported key type %T", pub), nil)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, keyErr("pin key", "key cannot be encoded", err)
	}
	return der, nil
}

var (
	oidKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 15}
	errKeyUsage = errors.New("certificate key usage does not allow signing")
)

// keyUsageAllowed reports whether c may sign under the configured key
// usage: the extension is absent (unrestricted) or grants one of the bits.
func (s *TrustStore) keyUsageAllowed(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidKeyUsage) {
			return c.KeyUsage&s.keyUsage != 0
		}
	}
	return true
}

// isPinned reports whether c is one of the pinned certificates. Pinned
// certificates are public (published in metadata, sent in every KeyInfo),
// so the comparison need not be constant-time: its timing tells nothing an
// observer does not have (a constant-time loop over the DER cost 0.2 µs
// per verification).
func (s *TrustStore) isPinned(c *x509.Certificate) bool {
	for _, p := range s.pinned {
		if bytes.Equal(p, c.Raw) {
			return true
		}
	}
	return false
}

// checkRevocation asks the revocation checker about chain, whose leaf is
// leaf (named in the error).
func (s *TrustStore) checkRevocation(ctx context.Context, chain []*x509.Certificate, leaf *x509.Certificate) error {
	if s.revocation == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return &TrustError{Reason: TrustRevocationUnavailable, Subject: leaf.Subject.String(), Err: err}
	}
	err := s.revocation.CheckRevocation(ctx, slices.Clone(chain))
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrRevoked) {
		return &TrustError{Reason: TrustRevoked, Subject: leaf.Subject.String(), Err: err}
	}
	return &TrustError{Reason: TrustRevocationUnavailable, Subject: leaf.Subject.String(), Err: err}
}

func (s *TrustStore) classify(leaf *x509.Certificate, err error, now time.Time) error {
	subject := leaf.Subject.String()
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) {
		switch inv.Reason {
		case x509.Expired:
			return &TrustError{Reason: TrustExpired, Subject: subject, Err: err}
		case x509.IncompatibleUsage:
			return &TrustError{Reason: TrustKeyUsage, Subject: subject, Err: err}
		}
	}
	// Go's path builder may report an unknown authority when the only
	// candidate path has an expired intermediate; report expiry when the
	// leaf itself is out of its window so callers see the real cause.
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return &TrustError{Reason: TrustExpired, Subject: subject, Err: err}
	}
	return &TrustError{Reason: TrustUnknownAuthority, Subject: subject, Err: err}
}
