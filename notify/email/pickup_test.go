package email_test

import (
	"context"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/email"
)

func TestPickupDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := email.New(email.Config{PickupDir: dir, From: "noreply@amt.example", FromName: "Bürgeramt"})
	require.NoError(t, err)
	d := event(t, "erika@example.org")
	require.NoError(t, s.Deliver(context.Background(), d))
	d.Attempt = 2 // a retry rewrites the same file
	require.NoError(t, s.Deliver(context.Background(), d))

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "one file per event, no temporary leftovers")
	f, err := os.Open(filepath.Join(dir, string(d.Event.ID)+".eml"))
	require.NoError(t, err)
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	require.NoError(t, err)
	mid, ok := s.MessageID(d.Event)
	require.True(t, ok)
	assert.Equal(t, "<"+mid+">", msg.Header.Get("Message-Id"))
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	require.NoError(t, err)
	assert.Equal(t, d.Event.Message.Title, subject)
	body, err := io.ReadAll(msg.Body)
	require.NoError(t, err)
	assert.Contains(t, string(body), "Bescheid.pdf")
}

func TestPickupDirRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	for name, cfg := range map[string]email.Config{
		"neither host nor dir": {From: "a@amt.example"},
		"missing dir":          {PickupDir: filepath.Join(dir, "nope"), From: "a@amt.example"},
		"dir is a file":        {PickupDir: file, From: "a@amt.example"},
	} {
		_, err := email.New(cfg)
		require.ErrorIs(t, err, email.ErrInvalidConfig, name)
	}

	s, err := email.New(email.Config{PickupDir: dir, From: "a@amt.example"})
	require.NoError(t, err)
	for name, mut := range map[string]func(*notify.Delivery){
		"path in event ID": func(d *notify.Delivery) { d.Event.ID = "../../etc/x" },
		"bad recipient":    func(d *notify.Delivery) { d.Target = "not an address" },
	} {
		d := event(t, "erika@example.org")
		mut(&d)
		err := s.Deliver(context.Background(), d)
		var de *notify.DeliveryError
		require.ErrorAs(t, err, &de, name)
		assert.True(t, de.Permanent, name)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".eml"), "nothing written for refused input: %s", e.Name())
	}
}
