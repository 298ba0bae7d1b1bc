package account_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account"
)

func TestLevelConversions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		l                       account.Level
		stork, akdb, muk, eidas string
	}{
		{account.LevelBasisregistrierung, "STORK-QAA-Level-1", "UNTERGEORDNET", "", ""},
		{account.LevelNiedrig, "STORK-QAA-Level-2", "NORMAL", "NIEDRIG", "http://eidas.europa.eu/LoA/low"},
		{account.LevelSubstanziell, "STORK-QAA-Level-3", "SUBSTANTIELL", "SUBSTANZIELL", "http://eidas.europa.eu/LoA/substantial"},
		{account.LevelHoch, "STORK-QAA-Level-4", "HOCH", "HOCH", "http://eidas.europa.eu/LoA/high"},
	}
	for _, c := range cases {
		t.Run(c.l.String(), func(t *testing.T) {
			assert.Equal(t, c.stork, c.l.STORK())
			assert.Equal(t, c.akdb, c.l.AkdbTrustLevel())
			assert.Equal(t, c.muk, c.l.MUK())
			assert.Equal(t, c.eidas, c.l.EIDAS())
			got, err := account.ParseSTORK(c.stork)
			require.NoError(t, err)
			assert.Equal(t, c.l, got)
			got, err = account.ParseAkdbTrustLevel(c.akdb)
			require.NoError(t, err)
			assert.Equal(t, c.l, got)
			if c.muk != "" {
				got, err = account.ParseMUKLevel(c.muk)
				require.NoError(t, err)
				assert.Equal(t, c.l, got)
			}
			if c.eidas != "" {
				got, err = account.ParseEIDAS(c.eidas)
				require.NoError(t, err)
				assert.Equal(t, c.l, got)
			}
		})
	}
	// Tolerated spellings: Schnittstellenbeschreibung BundID 10.2.0.0 §6.2.9
	// (akdb:TrustLevel: the table's words and its examples' NORMAL/HOCH),
	// BSI TR-03160-1 (NIEDRIG, SUBSTANZIELL), case ignored.
	for in, want := range map[string]account.Level{"NIEDRIG": account.LevelNiedrig, "SUBSTANZIELL": account.LevelSubstanziell,
		"hoch": account.LevelHoch, " Normal ": account.LevelNiedrig, "STORK-QAA-Level-3": account.LevelSubstanziell} {
		got, err := account.ParseAkdbTrustLevel(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	assert.True(t, account.LevelHoch > account.LevelSubstanziell)
	assert.True(t, account.LevelUnknown < account.LevelBasisregistrierung)
	assert.Equal(t, account.LevelNiedrig, account.MinLevel(account.LevelHoch, account.LevelNiedrig))
	assert.Equal(t, account.LevelUnknown, account.MinLevel(account.LevelHoch, account.LevelUnknown))
}

func TestLevelParseRejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "STORK-QAA-Level-0", "STORK-QAA-Level-5", "STORK-QAA-Level-10", "stork-qaa-level-3", "3", "MITTEL", "LEVEL_1"} {
		_, err := account.ParseSTORK(s)
		assert.ErrorIs(t, err, account.ErrInvalidLevel, s)
	}
	for _, s := range []string{"", "MITTEL", "SUBSTANTIAL", "HIGH", "4"} {
		_, err := account.ParseAkdbTrustLevel(s)
		assert.ErrorIs(t, err, account.ErrInvalidLevel, s)
		_, err = account.ParseMUKLevel(s)
		assert.ErrorIs(t, err, account.ErrInvalidLevel, s)
	}
	for _, s := range []string{"", "http://eidas.europa.eu/LoA/NotNotified/high", "low"} {
		_, err := account.ParseEIDAS(s)
		assert.ErrorIs(t, err, account.ErrInvalidLevel, s)
	}
	var le *account.LevelError
	_, err := account.ParseSTORK(string(make([]byte, 1000)))
	require.ErrorAs(t, err, &le)
	assert.LessOrEqual(t, len(err.Error()), 200)
}

func TestSessionLimits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		l            account.Level
		maxAge, idle time.Duration
	}{
		{account.LevelBasisregistrierung, 12 * time.Hour, time.Hour},
		{account.LevelNiedrig, 12 * time.Hour, time.Hour},
		{account.LevelSubstanziell, 2 * time.Hour, 30 * time.Minute},
		{account.LevelHoch, 30 * time.Minute, 5 * time.Minute},
	}
	start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, c := range cases {
		s, err := c.l.SessionLimits()
		require.NoError(t, err)
		assert.Equal(t, c.maxAge, s.MaxAge)
		assert.Equal(t, c.idle, s.IdleTimeout)
		assert.False(t, s.Expired(start, start, start.Add(c.idle-time.Second)))
		assert.True(t, s.Expired(start, start, start.Add(c.idle)))
		assert.True(t, s.Expired(start, start.Add(c.maxAge), start.Add(c.maxAge)))
	}
	_, err := account.LevelUnknown.SessionLimits()
	assert.ErrorIs(t, err, account.ErrInvalidLevel)
}
