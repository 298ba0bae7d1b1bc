package webhook

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/egosaar/ozg/internal/hmacsig"
)

// Header names. Standard Webhooks v1 ("follow the exact naming") and the
// FIT-Connect callback profile (docs/details/callbacks).
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"

	HeaderCallbackAuthentication = "callback-authentication"
	HeaderCallbackTimestamp      = "callback-timestamp"
)

// Profile selects the signature scheme.
type Profile int

const (
	// StandardWebhooks: webhook-id/-timestamp/-signature, "v1,"+base64
	// HMAC-SHA256 over "id.timestamp.body", space-separated list.
	StandardWebhooks Profile = iota
	// FITConnect: callback-timestamp and callback-authentication = hex
	// HMAC-SHA512 over "timestamp.body".
	FITConnect
)

func (p Profile) String() string {
	if p == FITConnect {
		return "fit-connect"
	}
	return "standard-webhooks"
}

// Sign returns the webhook-signature header value for id, ts and body:
// one "v1,<base64>" entry per secret, space-separated (several secrets
// during rotation, Standard Webhooks v1 "Signature scheme"). It refuses
// what no verifier accepts: no secrets or a zero Secret (ErrInvalidSecret),
// a timestamp before 1970 and an id containing '.' (ErrInvalidHeaders).
func Sign(id string, ts time.Time, body []byte, secrets ...Secret) (string, error) {
	tsStr, err := signTimestamp(ts)
	if err != nil {
		return "", err
	}
	if len(secrets) == 0 {
		return "", fmt.Errorf("%w: no secrets", ErrInvalidSecret)
	}
	var b strings.Builder
	for i, s := range secrets {
		sig, err := hmacsig.StandardWebhooksV1.Sign(s.key, []string{id, tsStr}, body)
		if err != nil {
			return "", signError(err, i)
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("v1,")
		b.WriteString(sig)
	}
	return b.String(), nil
}

// SignFITConnect returns the callback-authentication value: lowercase hex
// HMAC-SHA512 over "timestamp.body" (FIT-Connect callbacks: "getrennt
// durch das Zeichen . (Punkt)", SHA-512). A zero Secret or a timestamp
// before 1970 is refused.
func SignFITConnect(ts time.Time, body []byte, s Secret) (string, error) {
	tsStr, err := signTimestamp(ts)
	if err != nil {
		return "", err
	}
	sig, err := hmacsig.FITConnectCallback.Sign(s.key, []string{tsStr}, body)
	if err != nil {
		return "", signError(err, 0)
	}
	return sig, nil
}

func signTimestamp(ts time.Time) (string, error) {
	s, err := hmacsig.FormatUnix(ts)
	if err != nil {
		return "", fmt.Errorf("%w: timestamp before 1970", ErrInvalidHeaders)
	}
	return s, nil
}

func signError(err error, slot int) error {
	if errors.Is(err, hmacsig.ErrEmptyKey) {
		return fmt.Errorf("%w: secret %d is zero", ErrInvalidSecret, slot)
	}
	return fmt.Errorf("%w: webhook-id contains '.'", ErrInvalidHeaders)
}
