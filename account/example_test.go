package account_test

import (
	"fmt"

	"github.com/egosaar/ozg/account"
)

// ExampleLevel_SessionLimits shows the TR-03160-1 session limits for the
// level a citizen logged in with.
func ExampleLevel_SessionLimits() {
	l, _ := account.ParseSTORK("STORK-QAA-Level-4")
	s, _ := l.SessionLimits()
	fmt.Println(l, l.EIDAS(), s.MaxAge, s.IdleTimeout)
	// Output: hoch http://eidas.europa.eu/LoA/high 30m0s 5m0s
}

// ExampleParseAkdbTrustLevel reads the per-attribute trust level BundID
// writes into akdb:TrustLevel.
func ExampleParseAkdbTrustLevel() {
	for _, w := range []string{"UNTERGEORDNET", "NORMAL", "SUBSTANTIELL", "HOCH"} {
		l, _ := account.ParseAkdbTrustLevel(w)
		fmt.Println(w, "→", l.STORK())
	}
	// Output:
	// UNTERGEORDNET → STORK-QAA-Level-1
	// NORMAL → STORK-QAA-Level-2
	// SUBSTANTIELL → STORK-QAA-Level-3
	// HOCH → STORK-QAA-Level-4
}
