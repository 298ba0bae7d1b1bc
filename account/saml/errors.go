package saml

import (
	"errors"
	"fmt"
	"strings"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/samlwire"
)

// Sentinel errors. Every error the package returns for bad input wraps one
// of them; test with errors.Is. The messages are safe to show to a citizen;
// none contains an assertion, a NameID or an attribute value.
var (
	// ErrInvalidConfig reports an invalid Config.
	ErrInvalidConfig = errors.New("saml: invalid configuration")
	// ErrMalformed reports a message that is not a well-formed SAML message
	// of the expected shape (also DOCTYPE/entity declarations).
	ErrMalformed = samlwire.ErrMalformed
	// ErrLimit reports a message over a size, depth or decompression limit.
	ErrLimit = samlwire.ErrLimit
	// ErrSignature reports a missing, invalid or untrusted signature.
	ErrSignature = errors.New("saml: signature verification failed")
	// ErrDecryption reports an EncryptedAssertion that could not be
	// decrypted, or a required encryption that is missing.
	ErrDecryption = errors.New("saml: decryption failed")
	// ErrEncryptionAlgorithm reports an encryption algorithm outside the
	// allow-list; see *EncryptionAlgorithmError.
	ErrEncryptionAlgorithm = errors.New("saml: encryption algorithm not allowed")
	// ErrIssuer reports an Issuer other than the configured IdP.
	ErrIssuer = errors.New("saml: wrong issuer")
	// ErrDestination reports a Destination other than the ACS URL.
	ErrDestination = errors.New("saml: wrong destination")
	// ErrRecipient reports a SubjectConfirmationData Recipient other than
	// the ACS URL.
	ErrRecipient = errors.New("saml: wrong recipient")
	// ErrAudience reports an AudienceRestriction without this SP.
	ErrAudience = errors.New("saml: wrong audience")
	// ErrInResponseTo reports a response to a request this user agent did
	// not start, or one already consumed.
	ErrInResponseTo = errors.New("saml: unknown or reused request")
	// ErrExpired reports a message outside its validity window (after
	// allowing the configured clock skew).
	ErrExpired = errors.New("saml: message expired")
	// ErrNotYetValid reports a message whose validity starts in the future.
	ErrNotYetValid = errors.New("saml: message not yet valid")
	// ErrReplay reports an assertion ID that was already accepted.
	ErrReplay = errors.New("saml: assertion replayed")
	// ErrLevel reports an authentication below the requested trust level.
	ErrLevel = errors.New("saml: authentication level too low")
	// ErrStatus reports a non-success SAML status; see *StatusError.
	ErrStatus = errors.New("saml: authentication not successful")
	// ErrSubject reports a missing or unusable Subject/SubjectConfirmation,
	// or a login without a stable subject (transient NameID, no bPK2) when
	// Config.AllowTemporaryLogin is not set.
	ErrSubject = errors.New("saml: invalid subject")
	// ErrAttribute reports a malformed, duplicate or missing required
	// attribute; errors.As finds the *account.AttributeError (with
	// account.ErrMissingAttribute for a missing one).
	ErrAttribute = errors.New("saml: invalid attribute")
	// ErrExtension reports an akdb extension that fails validation.
	ErrExtension = errors.New("saml: invalid akdb extension")
	// ErrMetadata reports metadata that violates the rules it is checked
	// against; see *MetadataError.
	ErrMetadata = errors.New("saml: invalid metadata")
	// ErrBinding reports a request that does not carry what the binding
	// requires (missing form field, missing binding cookie, bad base64).
	ErrBinding = errors.New("saml: invalid binding")
	// ErrNotFound is returned by a Store for an unknown or expired key.
	ErrNotFound = errors.New("saml: not found")
	// ErrStoreFull is returned by a Store at its capacity; see
	// *StoreFullError.
	ErrStoreFull = errors.New("saml: store full")
)

// ResponseError wraps every failure of [ServiceProvider.ParseResponse]. Its
// Error text is generic; Err carries the specific sentinel, reachable with
// errors.Is and errors.As.
type ResponseError struct {
	// Check names the check that failed, e.g. "audience", "signature".
	Check string
	Err   error
}

func (e *ResponseError) Error() string {
	return "saml: response rejected (" + e.Check + "): " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *ResponseError) Unwrap() error { return e.Err }

func reject(check string, sentinel error, format string, args ...any) error {
	return &ResponseError{Check: check, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}

// EncryptionAlgorithmError reports an EncryptedAssertion or EncryptedID
// whose key transport or content encryption algorithm is not allowed
// (Config.KeyTransports, Config.ContentAlgorithms, Config.InsecureAllowCBC).
// It wraps ErrDecryption and ErrEncryptionAlgorithm, never ErrSignature.
type EncryptionAlgorithmError struct {
	// Algorithm is the refused algorithm URI (at most 128 bytes), or ""
	// when the decrypter did not name it.
	Algorithm string
}

func (e *EncryptionAlgorithmError) Error() string {
	a := e.Algorithm
	if len(a) > 128 {
		a = a[:128]
	}
	if a == "" {
		return "saml: encryption algorithm not allowed"
	}
	return "saml: encryption algorithm not allowed: " + a
}

// Unwrap returns ErrDecryption and ErrEncryptionAlgorithm.
func (e *EncryptionAlgorithmError) Unwrap() []error {
	return []error{ErrDecryption, ErrEncryptionAlgorithm}
}

// LevelError reports an authentication below the requested level.
type LevelError struct {
	Requested, Got account.Level
}

func (e *LevelError) Error() string {
	return fmt.Sprintf("saml: authentication level %s below requested %s", e.Got, e.Requested)
}

// Unwrap returns ErrLevel.
func (e *LevelError) Unwrap() error { return ErrLevel }

// SAML status codes (SAML 2.0 core §3.2.2.2).
const (
	StatusSuccess         = "urn:oasis:names:tc:SAML:2.0:status:Success"
	StatusRequester       = "urn:oasis:names:tc:SAML:2.0:status:Requester"
	StatusResponder       = "urn:oasis:names:tc:SAML:2.0:status:Responder"
	StatusVersionMismatch = "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch"
	StatusRequestDenied   = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied"
	StatusAuthnFailed     = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"
	StatusNoPassive       = "urn:oasis:names:tc:SAML:2.0:status:NoPassive"
)

// akdb status detail codes (BundID §9.7).
const (
	DetailRequiredAttributesMissing = "IDP_REQUIRED_ATTRIBUTES_MISSING"
)

// StatusError reports a Response whose StatusCode is not Success. For
// BundID it carries the akdb:StatusDetail JSON (§9.7), e.g. the code
// IDP_REQUIRED_ATTRIBUTES_MISSING with the missing attribute URNs.
type StatusError struct {
	Code    string // top-level StatusCode Value
	SubCode string // nested StatusCode Value, e.g. StatusRequestDenied
	Message string // StatusMessage (a code word such as "security-msg")
	Details []StatusDetail
	// Verified reports whether the Response carrying the status had a valid
	// signature. Unsigned error responses are reported too, since they
	// grant nothing, but their content is attacker-controllable.
	Verified bool
}

// StatusDetail is one entry of the akdb:StatusDetail JSON "errors" array.
type StatusDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Attributes are the attribute Name URNs named in Message (for
	// IDP_REQUIRED_ATTRIBUTES_MISSING).
	Attributes []string `json:"-"`
}

func (e *StatusError) Error() string {
	var b strings.Builder
	b.WriteString("saml: authentication not successful: ")
	b.WriteString(shortStatus(e.Code))
	if e.SubCode != "" {
		b.WriteString("/" + shortStatus(e.SubCode))
	}
	for _, d := range e.Details {
		b.WriteString(" " + d.Code)
	}
	return b.String()
}

// Unwrap returns ErrStatus.
func (e *StatusError) Unwrap() error { return ErrStatus }

// HasDetail reports whether the status detail contains code.
func (e *StatusError) HasDetail(code string) bool {
	for _, d := range e.Details {
		if d.Code == code {
			return true
		}
	}
	return false
}

// MissingAttributes returns the attribute URNs named by
// IDP_REQUIRED_ATTRIBUTES_MISSING details.
func (e *StatusError) MissingAttributes() []string {
	var out []string
	for _, d := range e.Details {
		if d.Code == DetailRequiredAttributesMissing {
			out = append(out, d.Attributes...)
		}
	}
	return out
}

func shortStatus(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// MetadataError lists the rules a metadata document violates.
type MetadataError struct {
	Problems []string
	err      error
}

func (e *MetadataError) Error() string {
	return "saml: invalid metadata: " + strings.Join(e.Problems, "; ")
}

// Unwrap returns ErrMetadata and, for a failed metadata signature, the
// verifier's error.
func (e *MetadataError) Unwrap() []error {
	if e.err != nil {
		return []error{ErrMetadata, ErrSignature, e.err}
	}
	return []error{ErrMetadata}
}

// ExtensionError lists what is wrong with an akdb extension.
type ExtensionError struct {
	Problems []string
}

func (e *ExtensionError) Error() string {
	return "saml: invalid akdb extension: " + strings.Join(e.Problems, "; ")
}

// Unwrap returns ErrExtension.
func (e *ExtensionError) Unwrap() error { return ErrExtension }
