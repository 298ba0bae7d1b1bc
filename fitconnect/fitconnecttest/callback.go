package fitconnecttest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/internal/hmacsig"
)

// SetCallback makes the simulator POST a new-submissions callback to url,
// authenticated with secret (hex HMAC-SHA-512 over "timestamp.body"),
// after each submitted submission (synchronously, before the submit is
// answered, so tests need no waiting), as the destination's callback
// configuration would. Failures are ignored ("Nicht-erfolgreiche
// Callback-Aufrufe dürfen nicht zu einem Fehler führen").
//
// With several destinations it configures the first; see SetCallbackFor.
func (s *Sim) SetCallback(url string, secret []byte) {
	s.SetCallbackFor(s.dests[0].cfg.ID, url, secret)
}

func (s *Sim) callback(sub *submission) {
	d := s.dest(sub.Destination)
	s.mu.Lock()
	u, secret := d.callbackURL, d.callbackSecret
	s.mu.Unlock()
	if u == "" {
		return
	}
	body, err := json.Marshal(map[string]any{
		"type":          fitconnect.CallbackNewSubmissions,
		"submissionIds": []string{sub.ID},
		"submissions":   []fitconnect.SubmissionRef{{DestinationID: sub.Destination, SubmissionID: sub.ID, CaseID: sub.CaseID}},
	})
	if err != nil {
		return
	}
	key, err := hmacsig.NewKey(secret)
	if err != nil {
		return
	}
	ts, err := hmacsig.FormatUnix(time.Now())
	if err != nil {
		return
	}
	sig, err := hmacsig.FITConnectCallback.Sign(key, []string{ts}, body)
	if err != nil {
		return
	}
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("callback-timestamp", ts)
	req.Header.Set("callback-authentication", sig)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
}
