package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	now := func() time.Time { return time.Date(2026, 11, 25, 10, 30, 0, 123e6, time.UTC) }
	require.NoError(t, run(context.Background(), &out, now))
	s := out.String()
	assert.True(t, strings.HasPrefix(s, `<?xml version="1.0" encoding="UTF-8"?><xbau:baugenehmigung.antrag.0200 `))
	assert.Contains(t, s, "root:                 baugenehmigung.antrag.0200 (profile xbau-2.6, header unqualified)")
	assert.Contains(t, s, "nachrichtentyp:       0200 (urn:xoev-de:xbau:codeliste:xbau-nachrichten 4.0)")
	assert.Contains(t, s, "erstellungszeitpunkt: 2026-11-25T10:30:00.123Z")
	assert.Contains(t, s, "leser:                Untere Bauaufsichtsbehörde Musterstadt (psw:01003110)")
}
