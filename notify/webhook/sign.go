package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
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
	var b strings.Builder
	tsStr := strconv.FormatInt(ts.Unix(), 10)
	for i, s := range secrets {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("v1,")
		b.WriteString(base64.StdEncoding.EncodeToString(macV1(s.key, id, tsStr, body)))
	}
	return b.String()
}

func macV1(key []byte, id, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// SignFITConnect returns the callback-authentication value: lowercase hex
// HMAC-SHA512 over "timestamp.body" (FIT-Connect callbacks: "getrennt
// durch das Zeichen . (Punkt)", SHA-512).
func SignFITConnect(ts time.Time, body []byte, s Secret) string {
	return hex.EncodeToString(macFIT(s.key, strconv.FormatInt(ts.Unix(), 10), body))
}

func macFIT(key []byte, ts string, body []byte) []byte {
	m := hmac.New(sha512.New, key)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}
