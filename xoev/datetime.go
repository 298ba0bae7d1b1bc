package xoev

import (
	"strings"
	"time"
)

// Erstellungszeitpunkt layout on write: milliseconds and a zone, as the
// header spec requires ("mit einer Genauigkeit auf Ebene von Millisekunden
// und der Angabe zur Zeitzone", Identifikation.NachrichtType).
const layoutWrite = "2006-01-02T15:04:05.000Z07:00"

// FormatErstellungszeitpunkt formats t strictly: millisecond precision
// (truncated) and a zone offset ("Z" for UTC).
func FormatErstellungszeitpunkt(t time.Time) string {
	return t.Truncate(time.Millisecond).Format(layoutWrite)
}

// dateTimeInfo is what parseDateTime learnt about the lexical form.
type dateTimeInfo struct {
	hasZone   bool
	hasMillis bool // at least three fractional digits
}

// parseDateTime parses an xs:dateTime lexical value (XML Schema 1.0 Part 2
// §3.2.7). A value without zone is read as UTC and reported through info.
func parseDateTime(s string) (time.Time, dateTimeInfo, bool) {
	var info dateTimeInfo
	if len(s) < len("2006-01-02T15:04:05") || s[10] != 'T' {
		return time.Time{}, info, false
	}
	rest := s[19:]
	if strings.HasPrefix(rest, ".") {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return time.Time{}, info, false
		}
		info.hasMillis = n-1 >= 3
		rest = rest[n:]
	}
	switch {
	case rest == "":
	case rest == "Z" || (len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':'):
		info.hasZone = true
	default:
		return time.Time{}, info, false
	}
	layout := "2006-01-02T15:04:05.999999999"
	if info.hasZone {
		layout += "Z07:00"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, info, false
	}
	return t, info, true
}
