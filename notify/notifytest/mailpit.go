package notifytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/egosaar/ozg/internal/testenv"
)

// Mailpit is a running mailpit (a real SMTP server process with an HTTP
// API) for e-mail tests.
type Mailpit struct {
	SMTPHost string
	SMTPPort int
	APIURL   string
	// Private reports whether this test started the process itself
	// (then chaos may be used; a shared server is never put into chaos).
	Private bool
}

// SharedMailpit returns the mailpit from OZG_TEST_SMTP_ADDR /
// OZG_TEST_MAILPIT_URL if set, otherwise starts a private one
// (StartMailpit). Missing mailpit skips the test, or fails it under
// CI=true.
func SharedMailpit(t testing.TB) *Mailpit {
	t.Helper()
	if os.Getenv("OZG_TEST_SMTP_ADDR") == "" {
		return StartMailpit(t, false)
	}
	s := testenv.SMTPServer(t)
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil {
		t.Fatalf("notifytest: OZG_TEST_SMTP_ADDR: %v", err)
	}
	p, _ := strconv.Atoi(port)
	return &Mailpit{SMTPHost: host, SMTPPort: p, APIURL: s.APIURL}
}

// StartMailpit starts a private mailpit on free loopback ports (with the
// chaos API enabled if chaos is true) and stops it when t ends. The
// binary comes from testenv.Mailpit (go install
// github.com/axllent/mailpit@v1.27.11).
func StartMailpit(t testing.TB, chaos bool) *Mailpit {
	t.Helper()
	bin := testenv.Mailpit(t)
	smtpPort, httpPort := freePort(t), freePort(t)
	dir := t.TempDir()
	args := []string{
		"--listen", "127.0.0.1:" + strconv.Itoa(httpPort), "--smtp", "127.0.0.1:" + strconv.Itoa(smtpPort),
		"--max", "50000", "--database", dir + "/mailpit.db", "--disable-version-check", "--smtp-disable-rdns",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--quiet",
	}
	if chaos {
		args = append(args, "--enable-chaos")
	}
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		testenv.Unavailable(t, "mailpit", err.Error())
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	m := &Mailpit{SMTPHost: "127.0.0.1", SMTPPort: smtpPort, APIURL: "http://127.0.0.1:" + strconv.Itoa(httpPort), Private: true}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	// Readiness: retry /readyz with a short backoff until it answers.
	for backoff := 5 * time.Millisecond; ; backoff = min(2*backoff, 200*time.Millisecond) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.APIURL+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m
			}
		}
		select {
		case <-done:
			t.Fatalf("notifytest: mailpit exited: %s", out.String())
		case <-ctx.Done():
			t.Fatalf("notifytest: mailpit not ready: %s", out.String())
		case <-time.After(backoff):
		}
	}
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("notifytest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// MailSummary is one message in mailpit's list.
type MailSummary struct {
	ID        string
	MessageID string
	Subject   string
	To        []struct{ Address string }
	From      struct{ Address string }
}

// MailMessage is a full message.
type MailMessage struct {
	ID          string
	MessageID   string
	Subject     string
	Text        string
	Attachments []struct {
		FileName    string
		ContentType string
		Size        int
		PartID      string
	}
}

func (m *Mailpit) getJSON(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.APIURL+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("notifytest: mailpit %s: %s", path, resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(v)
}

// Search returns messages matching a mailpit search query (e.g.
// "to:someone@example.org" or "message-id:<id>").
func (m *Mailpit) Search(ctx context.Context, query string) ([]MailSummary, error) {
	var res struct{ Messages []MailSummary }
	err := m.getJSON(ctx, "/api/v1/search?limit=1000&query="+url.QueryEscape(query), &res)
	return res.Messages, err
}

// Message returns a full message by mailpit ID.
func (m *Mailpit) Message(ctx context.Context, id string) (MailMessage, error) {
	var msg MailMessage
	err := m.getJSON(ctx, "/api/v1/message/"+url.PathEscape(id), &msg)
	return msg, err
}

// Part returns the bytes of a message part (e.g. an attachment).
func (m *Mailpit) Part(ctx context.Context, id, partID string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.APIURL+"/api/v1/message/"+url.PathEscape(id)+"/part/"+url.PathEscape(partID), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

// Headers returns a message's headers.
func (m *Mailpit) Headers(ctx context.Context, id string) (map[string][]string, error) {
	var h map[string][]string
	err := m.getJSON(ctx, "/api/v1/message/"+url.PathEscape(id)+"/headers", &h)
	return h, err
}

// ChaosTrigger makes mailpit answer an SMTP stage with ErrorCode with the
// given probability (0..100).
type ChaosTrigger struct {
	ErrorCode   int
	Probability int
}

// SetChaos configures mailpit's chaos triggers (private servers only).
func (m *Mailpit) SetChaos(ctx context.Context, sender, recipient ChaosTrigger) error {
	if !m.Private {
		return fmt.Errorf("notifytest: chaos on a shared mailpit")
	}
	body, _ := json.Marshal(map[string]ChaosTrigger{"Sender": sender, "Recipient": recipient})
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, m.APIURL+"/api/v1/chaos", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("notifytest: set chaos: %s", resp.Status)
	}
	return nil
}
