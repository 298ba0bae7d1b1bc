package notify_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
)

// refusingMail is an e-mail channel whose server refuses every message
// permanently, so the worker logs the failure and dead-letters it.
type refusingMail struct{}

func (refusingMail) Name() string { return "email" }

func (refusingMail) Deliver(context.Context, notify.Delivery) error {
	return &notify.DeliveryError{Class: notify.ClassRejected, Permanent: true, Err: errors.New("550 mailbox unavailable")}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogLinesHideEmailTargets: an e-mail address never reaches a log
// line, neither in clear nor as its unkeyed SHA-256 prefix (reversible
// by trying candidate addresses); the dead letter keeps the stable ref.
func TestLogLinesHideEmailTargets(t *testing.T) {
	const addr = "erika.mustermann@example.org"
	var logs syncBuffer
	e := newEnv(t, envOpts{
		extra:  []notify.Channel{refusingMail{}},
		logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		cfg: notify.Config{Policies: map[string]notify.Policy{
			"webhook": {Schedule: fastSchedule, Jitter: -1},
			"email":   {Schedule: fastSchedule, Jitter: -1},
		}},
	})
	ev := testEvent("LOG-1")
	ev.Recipients = notify.Recipients{Email: addr}
	e.enqueue(ev)
	dl := e.waitDead(30 * time.Second)
	require.Equal(t, "email", dl.Channel)

	sum := sha256.Sum256([]byte(addr))
	unkeyed := hex.EncodeToString(sum[:6])
	assert.Equal(t, unkeyed, dl.Target, "persisted reference is stable across instances")
	out := logs.String()
	require.Contains(t, out, "dead-letter", "the failure was logged")
	for _, leak := range []string{addr, "erika", "example.org", unkeyed} {
		assert.NotContains(t, out, leak)
	}
}
