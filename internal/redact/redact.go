package redact

import (
	"log/slog"
	"net/url"
	"strings"
)

// Placeholder is what a redacted value prints as.
const Placeholder = "REDACTED"

// Secret is a string that never prints: fmt, %v, %s, %q, %#v and slog all
// show Placeholder. Use string(s) where the value is really needed.
type Secret string

func (Secret) String() string                 { return Placeholder }
func (Secret) GoString() string               { return Placeholder }
func (Secret) LogValue() slog.Value           { return slog.StringValue(Placeholder) }
func (s Secret) MarshalText() ([]byte, error) { return []byte(Placeholder), nil }

// URL returns u without user info, query and fragment, for logging an
// endpoint. An unparsable URL yields Placeholder.
func URL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return Placeholder
	}
	p.User = nil
	p.RawQuery = ""
	p.Fragment = ""
	return p.String()
}

// sensitiveKeys are attribute keys (lower case, substrings) whose values are
// replaced by ReplaceAttr.
var sensitiveKeys = []string{
	"password", "passwd", "secret", "token", "authorization", "cookie",
	"private", "assertion", "iban", "email", "e_mail", "phone", "birth",
	"address", "name", "body", "payload",
}

// ReplaceAttr is a slog.HandlerOptions.ReplaceAttr that redacts attributes
// whose key suggests a secret or personal data. It is a safety net for
// handlers the application configures; the module's own code does not log
// such values in the first place.
func ReplaceAttr(_ []string, a slog.Attr) slog.Attr {
	k := strings.ToLower(a.Key)
	for _, s := range sensitiveKeys {
		if strings.Contains(k, s) {
			return slog.String(a.Key, Placeholder)
		}
	}
	return a
}
