package redact

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	s := Secret("hunter2")
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %q %#v %+v", s, s, s, s, s)} {
		assert.NotContains(t, out, "hunter2")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "client_secret", s, "nested", struct{ S Secret }{s})
	assert.NotContains(t, buf.String(), "hunter2")
	assert.Equal(t, "hunter2", string(s))
}

func TestURLAndFingerprint(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "https://host/p", URL("https://user:pw@host/p?token=abc#f"))
	assert.Equal(t, Placeholder, URL("://bad"))
	assert.Len(t, Fingerprint("x"), 12)
	assert.Equal(t, Fingerprint("x"), Fingerprint("x"))
	assert.NotEqual(t, Fingerprint("x"), Fingerprint("y"))
	assert.Empty(t, Fingerprint(""))
}

func TestReplaceAttr(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: ReplaceAttr}))
	l.Info("x", "email", "max@example.org", "Authorization", "Bearer abc", "status", 200)
	assert.NotContains(t, buf.String(), "max@example.org")
	assert.NotContains(t, buf.String(), "Bearer")
	assert.Contains(t, buf.String(), "status=200")
}
