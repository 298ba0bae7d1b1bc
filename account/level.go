package account

import (
	"fmt"
	"strings"
	"time"
)

// Level is the trust level (Vertrauensniveau) of an authentication or of a
// single attribute. The values are ordered: a higher Level is stronger, so
// levels compare with < and >=.
//
// The zero value LevelUnknown means "no level was stated"; it is below every
// real level and never satisfies a requirement.
type Level int

// The levels, lowest first. BundID numbers them as STORK-QAA-Level-1..4
// (Schnittstellenbeschreibung BundID 10.2.0.0 §5, §6.2.3, §6.2.9); TR-03160-1
// names the upper three niedrig, substanziell and hoch, which match the eIDAS
// levels low, substantial and high (Regulation (EU) 910/2014 Art. 8).
const (
	LevelUnknown Level = iota
	// LevelBasisregistrierung is the base registration with user name and
	// password (STORK-QAA-Level-1). It is not a trust level in the sense
	// of TR-03160-1 ("Nicht-Vertrauensniveau").
	LevelBasisregistrierung
	// LevelNiedrig is niedrig / eIDAS low (STORK-QAA-Level-2; formerly
	// "normal" in TR-03107).
	LevelNiedrig
	// LevelSubstanziell is substanziell / eIDAS substantial
	// (STORK-QAA-Level-3; e.g. ELSTER certificate).
	LevelSubstanziell
	// LevelHoch is hoch / eIDAS high (STORK-QAA-Level-4; eID card).
	LevelHoch
)

const storkPrefix = "STORK-QAA-Level-"

// String returns the German name of the level as used by TR-03160-1
// ("Basisregistrierung", "niedrig", "substanziell", "hoch") or "unknown".
func (l Level) String() string {
	switch l {
	case LevelBasisregistrierung:
		return "Basisregistrierung"
	case LevelNiedrig:
		return "niedrig"
	case LevelSubstanziell:
		return "substanziell"
	case LevelHoch:
		return "hoch"
	}
	return "unknown"
}

// Valid reports whether l is one of the four defined levels.
func (l Level) Valid() bool { return l >= LevelBasisregistrierung && l <= LevelHoch }

// STORK returns the STORK QAA value used in SAML AuthnContextClassRef and
// in the EID-CITIZEN-QAA-LEVEL attribute, e.g. "STORK-QAA-Level-3". It
// returns "" for LevelUnknown.
func (l Level) STORK() string {
	if !l.Valid() {
		return ""
	}
	return fmt.Sprintf("%s%d", storkPrefix, int(l))
}

// AkdbTrustLevel returns the word the AKDB platform (BundID, BayernID)
// writes into akdb:TrustLevel: UNTERGEORDNET, NORMAL, SUBSTANTIELL or HOCH.
func (l Level) AkdbTrustLevel() string {
	switch l {
	case LevelBasisregistrierung:
		return "UNTERGEORDNET"
	case LevelNiedrig:
		return "NORMAL"
	case LevelSubstanziell:
		return "SUBSTANTIELL"
	case LevelHoch:
		return "HOCH"
	}
	return ""
}

// MUK returns the word Mein Unternehmenskonto (ELSTER NEZO) uses in
// ElsterVertrauensniveauIdentifizierung/-Authentifizierung: NIEDRIG,
// SUBSTANZIELL or HOCH. LevelBasisregistrierung has no MUK word.
func (l Level) MUK() string {
	switch l {
	case LevelNiedrig:
		return "NIEDRIG"
	case LevelSubstanziell:
		return "SUBSTANZIELL"
	case LevelHoch:
		return "HOCH"
	}
	return ""
}

// EIDAS returns the eIDAS level-of-assurance URI
// (http://eidas.europa.eu/LoA/low, …/substantial, …/high) or "" when the
// level has no eIDAS equivalent.
func (l Level) EIDAS() string {
	switch l {
	case LevelNiedrig:
		return "http://eidas.europa.eu/LoA/low"
	case LevelSubstanziell:
		return "http://eidas.europa.eu/LoA/substantial"
	case LevelHoch:
		return "http://eidas.europa.eu/LoA/high"
	}
	return ""
}

// ParseSTORK parses "STORK-QAA-Level-1" … "STORK-QAA-Level-4".
func ParseSTORK(s string) (Level, error) {
	if n, ok := strings.CutPrefix(s, storkPrefix); ok && len(n) == 1 && n[0] >= '1' && n[0] <= '4' {
		return Level(n[0] - '0'), nil
	}
	return LevelUnknown, &LevelError{Input: s}
}

// ParseAkdbTrustLevel parses the akdb:TrustLevel words. It accepts the words
// the BundID example responses use (UNTERGEORDNET, NORMAL, SUBSTANTIELL,
// HOCH), the TR-03160-1 spellings (NIEDRIG, SUBSTANZIELL, BASISREGISTRIERUNG)
// and the STORK values the BundID table lists; case is ignored.
func ParseAkdbTrustLevel(s string) (Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "UNTERGEORDNET", "BASISREGISTRIERUNG":
		return LevelBasisregistrierung, nil
	case "NORMAL", "NIEDRIG":
		return LevelNiedrig, nil
	case "SUBSTANTIELL", "SUBSTANZIELL":
		return LevelSubstanziell, nil
	case "HOCH":
		return LevelHoch, nil
	}
	if l, err := ParseSTORK(strings.TrimSpace(s)); err == nil {
		return l, nil
	}
	return LevelUnknown, &LevelError{Input: s}
}

// ParseMUKLevel parses the MUK (ELSTER) level words NIEDRIG, SUBSTANZIELL
// (also SUBSTANTIELL) and HOCH; case is ignored.
func ParseMUKLevel(s string) (Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "NIEDRIG", "NORMAL":
		return LevelNiedrig, nil
	case "SUBSTANZIELL", "SUBSTANTIELL":
		return LevelSubstanziell, nil
	case "HOCH":
		return LevelHoch, nil
	}
	return LevelUnknown, &LevelError{Input: s}
}

// ParseEIDAS parses an eIDAS level-of-assurance URI.
func ParseEIDAS(s string) (Level, error) {
	for _, l := range []Level{LevelNiedrig, LevelSubstanziell, LevelHoch} {
		if s == l.EIDAS() {
			return l, nil
		}
	}
	return LevelUnknown, &LevelError{Input: s}
}

// SessionLimits are the maximum lifetime and idle time of an application
// session opened by an authentication at a given level.
type SessionLimits struct {
	MaxAge      time.Duration // absolute session lifetime
	IdleTimeout time.Duration // inactivity after which the session ends
}

// SessionLimits returns the session limits BSI TR-03160-1 sets for the level
// (as quoted in the BundID FAQ 7.5.3): niedrig 12 h / 60 min idle,
// substanziell 2 h / 30 min, hoch 30 min / 5 min. Basisregistrierung is below
// the TR's levels and gets the niedrig limits as an upper bound. Unknown
// levels are an error: a session must not start without a level.
func (l Level) SessionLimits() (SessionLimits, error) {
	switch l {
	case LevelBasisregistrierung, LevelNiedrig:
		return SessionLimits{MaxAge: 12 * time.Hour, IdleTimeout: 60 * time.Minute}, nil
	case LevelSubstanziell:
		return SessionLimits{MaxAge: 2 * time.Hour, IdleTimeout: 30 * time.Minute}, nil
	case LevelHoch:
		return SessionLimits{MaxAge: 30 * time.Minute, IdleTimeout: 5 * time.Minute}, nil
	}
	return SessionLimits{}, &LevelError{Input: l.String()}
}

// Expired reports whether a session that started at start and was last
// active at lastActive has ended at now under these limits.
func (s SessionLimits) Expired(start, lastActive, now time.Time) bool {
	return now.Sub(start) >= s.MaxAge || now.Sub(lastActive) >= s.IdleTimeout
}

// MinLevel returns the lower of a and b; LevelUnknown if either is unknown.
func MinLevel(a, b Level) Level {
	if !a.Valid() || !b.Valid() {
		return LevelUnknown
	}
	return min(a, b)
}
