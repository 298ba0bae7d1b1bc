package webhook

import (
	"strconv"
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
// during rotation, Standard Webhooks v1 "Signature scheme").
func Sign(id string, ts time.Time, body []byte, secrets ...Secret) string {
	tsStr := strconv.FormatInt(ts.Unix(), 10)
	var b strings.Builder
	for i, s := range secrets {
		if i > 0 {
			b.WriteByte(' ')
		}
		sig, _ := hmacsig.StandardWebhooksV1.Sign(s.key, []string{id, tsStr}, body)
		b.WriteString("v1,")
		b.WriteString(sig)
	}
	return b.String()
}

// SignFITConnect returns the callback-authentication value: lowercase hex
// HMAC-SHA512 over "timestamp.body" (FIT-Connect callbacks: "getrennt
// durch das Zeichen . (Punkt)", SHA-512).
func SignFITConnect(ts time.Time, body []byte, s Secret) string {
	sig, _ := hmacsig.FITConnectCallback.Sign(s.key, []string{strconv.FormatInt(ts.Unix(), 10)}, body)
	return sig
}
