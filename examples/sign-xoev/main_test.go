package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	signed, err := run(context.Background(), &out)
	require.NoError(t, err, out.String())
	for i := 1; i <= 6; i++ {
		assert.Contains(t, "\n"+out.String(), "\n"+string(rune('0'+i))+". ", "step %d missing", i)
	}
	// The signature is the last child of the message root.
	s := string(signed)
	sig := strings.LastIndex(s, "</ds:Signature>")
	require.Positive(t, sig)
	assert.Equal(t, "</xbau:baugenehmigung.antrag.0200>", strings.TrimSpace(s[sig+len("</ds:Signature>"):]))
}
