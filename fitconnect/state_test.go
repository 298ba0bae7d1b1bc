package fitconnect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
)

// TestStateNeverMovesBack: the state is the furthest the verified events
// reach, whatever order the Zustelldienst logged them in; a contradictory
// or foreign accept is an error.
func TestStateNeverMovesBack(t *testing.T) {
	sent := fitconnect.AuthenticationTags{Metadata: "m", Data: "d"}
	other := fitconnect.AuthenticationTags{Metadata: "m", Data: "x"}
	ev := func(typ string, tags *fitconnect.AuthenticationTags) fitconnect.Event {
		return fitconnect.Event{Type: typ, AuthenticationTags: tags}
	}
	submit, forward := ev(fitconnect.EventSubmitSubmission, nil), ev(fitconnect.EventForwardSubmission, nil)
	accept, reject := ev(fitconnect.EventAcceptSubmission, &sent), ev(fitconnect.EventRejectSubmission, nil)
	del := ev(fitconnect.EventDeleteSubmission, nil)
	ok := []struct {
		name   string
		events []fitconnect.Event
		want   string
	}{
		{"empty", nil, "incomplete"},
		{"in order", []fitconnect.Event{submit, forward, accept}, "accepted"},
		{"accept logged before submit", []fitconnect.Event{accept, submit}, "accepted"},
		{"reject logged before forward", []fitconnect.Event{submit, reject, forward}, "rejected"},
		{"deleted after accept", []fitconnect.Event{submit, accept, del}, "deleted"},
		{"unknown event ignored", []fitconnect.Event{submit, ev("https://example.org/other", nil)}, "submitted"},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fitconnect.StateOfForTest(tc.events, sent)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	bad := []struct {
		name   string
		events []fitconnect.Event
	}{
		{"accept and reject", []fitconnect.Event{submit, accept, reject}},
		{"reject then accept", []fitconnect.Event{submit, reject, accept}},
		{"accept without tags", []fitconnect.Event{submit, ev(fitconnect.EventAcceptSubmission, nil)}},
		{"accept with other tags", []fitconnect.Event{submit, ev(fitconnect.EventAcceptSubmission, &other)}},
		{"accept with other tags after a good one", []fitconnect.Event{accept, ev(fitconnect.EventAcceptSubmission, &other)}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fitconnect.StateOfForTest(tc.events, sent)
			assert.ErrorIs(t, err, fitconnect.ErrEventLog)
		})
	}
}
