package xoev

import (
	"fmt"
	"strings"
)

// DVDVKennung is an authority identifier in the DVDV (Deutsches
// Verwaltungsdiensteverzeichnis). In BehoerdeType/kennung it is written
// "praefix:kennung", e.g. "psw:01003110" (documentation of
// BehoerdeType/kennung, xoev-basisnachricht-unqualified-g2g_1.1.xsd).
type DVDVKennung struct {
	Praefix string // e.g. "psw" (code list urn:xoev-de:bund:bmi:bit:codeliste:dvdv.praefix)
	Kennung string // e.g. "01003110"
}

// String returns "praefix:kennung".
func (k DVDVKennung) String() string { return k.Praefix + ":" + k.Kennung }

// ParseDVDVKennung splits "praefix:kennung". Both parts must be non-empty;
// the praefix consists of ASCII letters and digits, the kennung of visible
// ASCII characters other than ':'. Errors wrap ErrKennung.
func ParseDVDVKennung(s string) (DVDVKennung, error) {
	p, k, ok := strings.Cut(s, ":")
	if !ok {
		return DVDVKennung{}, fmt.Errorf("%w: missing ':' between praefix and kennung", ErrKennung)
	}
	if p == "" || k == "" {
		return DVDVKennung{}, fmt.Errorf("%w: empty praefix or kennung", ErrKennung)
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return DVDVKennung{}, fmt.Errorf("%w: praefix must be ASCII letters and digits (position %d)", ErrKennung, i)
		}
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c <= ' ' || c > '~' || c == ':' {
			return DVDVKennung{}, fmt.Errorf("%w: kennung must be visible ASCII without ':' (position %d)", ErrKennung, len(p)+1+i)
		}
	}
	return DVDVKennung{Praefix: p, Kennung: k}, nil
}
