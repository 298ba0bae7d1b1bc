package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/account/accounttest"
)

// The process harness of the multi-instance tests: the program built
// once, the simulator process, portal processes behind a load balancer
// and citizens driving them over HTTPS.

// builtDir holds the program once built.
var builtDir string

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "saarportal-bin-*")
	if err != nil {
		return "", err
	}
	builtDir = dir
	bin := filepath.Join(dir, "saarportal")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// buildPortal builds the program once per test binary run (TestMain
// removes it).
func buildPortal(t *testing.T) string {
	bin, err := buildOnce()
	require.NoError(t, err)
	return bin
}

// TestMain removes the program built for the multi-process tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		_ = os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// proc is a started child process and the JSON line it printed.
type proc struct {
	cmd    *exec.Cmd
	line   []byte
	stderr *syncWriter
	done   chan struct{}
}

// start runs bin with args and waits (at most 60 s) for its first stdout
// line; the process is stopped (SIGTERM) when the test ends, and its
// stderr is logged if the test failed.
func start(t *testing.T, name, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), stderr: &syncWriter{}, done: make(chan struct{})}
	p.cmd.Stderr = p.stderr
	out, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", name, p.stderr.String())
		}
	})
	lines := make(chan []byte, 1)
	go func() {
		r := bufio.NewReader(out)
		l, _ := r.ReadBytes('\n')
		lines <- l
		_, _ = r.WriteTo(discard{})
	}()
	select {
	case p.line = <-lines:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not start: %s", name, p.stderr.String())
	}
	if len(p.line) == 0 {
		t.Fatalf("%s exited: %s", name, p.stderr.String())
	}
	return p
}

// kill ends the process with SIGKILL: no deferred work, no cleanup.
func (p *proc) kill(t *testing.T) {
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	<-p.done
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

// syncWriter is a child's stderr, written by os/exec's copier and read
// by the test.
type syncWriter struct {
	mu sync.Mutex
	w  bytes.Buffer
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// world process: the simulators and their JSON line in a file.
type simProc struct {
	*proc
	info simInfo
	file string
}

func startSimulators(t *testing.T, bin string) *simProc {
	state := t.TempDir()
	p := start(t, "simulators", bin, "-simulators", "-state", state)
	s := &simProc{proc: p, file: filepath.Join(state, "sims.json")}
	require.NoError(t, json.Unmarshal(p.line, &s.info))
	require.NoError(t, os.WriteFile(s.file, p.line, 0o600))
	return s
}

// admin calls the simulator process's control API.
func (s *simProc) admin(ctx context.Context, path string, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.info.Admin+path, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("%s: status %d", path, resp.StatusCode)
	}
	return nil
}

func (s *simProc) records(t *testing.T) simRecords {
	resp, err := http.Get(s.info.Admin + "/records")
	require.NoError(t, err)
	defer resp.Body.Close()
	var r simRecords
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	return r
}

// startInstance starts one portal process behind lb.
func startInstance(t *testing.T, name, bin string, sims *simProc, lb *balancer, dsn string) *proc {
	args := []string{"-instance", sims.file, "-addr", "127.0.0.1:0", "-base", lb.URL,
		"-lease", "2s", "-resume-every", "100ms", "-payment-poll", "500ms", "-rescue-after", "4s"}
	if dsn != "" {
		args = append(args, "-postgres", dsn)
	}
	p := start(t, name, bin, args...)
	var v struct{ URL string }
	require.NoError(t, json.Unmarshal(p.line, &v))
	lb.add(v.URL)
	return p
}

// balancer is the load balancer in front of the instances: one public
// HTTPS origin (cookies, the SAML ACS and the pay redirect name it);
// the header X-Citizen picks the instance (sticky per citizen), and an
// instance taken out (killed) gets no more requests.
type balancer struct {
	*httptest.Server
	mu    sync.Mutex
	live  []*url.URL
	proxy *httputil.ReverseProxy
}

func newBalancer(t *testing.T) *balancer {
	lb := &balancer{}
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // loopback test backends with throw-away certificates
		MaxIdleConnsPerHost: 64}
	lb.proxy = &httputil.ReverseProxy{Transport: tr, Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(lb.pick(pr.In.Header.Get("X-Citizen")))
		pr.Out.Host = pr.In.Host
	}, ErrorLog: log.New(io.Discard, "", 0)}
	lb.Server = httptest.NewTLSServer(lb.proxy)
	t.Cleanup(lb.Close)
	return lb
}

func (lb *balancer) add(u string) {
	parsed, _ := url.Parse(u)
	lb.mu.Lock()
	lb.live = append(lb.live, parsed)
	lb.mu.Unlock()
}

// remove takes the instance at index i out of rotation.
func (lb *balancer) remove(i int) {
	lb.mu.Lock()
	lb.live = append(lb.live[:i:i], lb.live[i+1:]...)
	lb.mu.Unlock()
}

func (lb *balancer) pick(key string) *url.URL {
	n, _ := strconv.Atoi(key)
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.live[n%len(lb.live)]
}

// browser is citizen n's browser at the balancer.
func (lb *balancer) browser(n int) *http.Client {
	jar, _ := cookiejar.New(nil)
	tr := lb.Client().Transport.(*http.Transport).Clone()
	return &http.Client{Jar: jar, Transport: headerRT{tr, strconv.Itoa(n)}, Timeout: 20 * time.Second}
}

type headerRT struct {
	next http.RoundTripper
	n    string
}

func (h headerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Citizen", h.n)
	return h.next.RoundTrip(r)
}

// application is what a citizen filed and paid.
type application struct{ ARS, AppID, TxID string }

// retry repeats a step that failed because an instance died (40 × 100 ms).
func retry(ctx context.Context, step func() error) error {
	var err error
	for range 40 {
		if err = step(); err == nil || ctx.Err() != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// loginAs logs citizen n in with browser b (logins are serialised: the
// IdP simulator has one current user).
func loginAs(ctx context.Context, sims *simProc, lb *balancer, login *sync.Mutex, b *http.Client, n int) error {
	return retry(ctx, func() error {
		login.Lock()
		defer login.Unlock()
		given := fmt.Sprintf("C%d", n)
		if err := sims.admin(ctx, "/user", url.Values{"given": {given}, "mail": {strings.ToLower(given) + "@example.org"},
			"bpk2": {fmt.Sprintf("%064x", n+1)}}); err != nil {
			return err
		}
		_, body, err := accounttest.Browse(ctx, b, lb.URL+"/login")
		if err == nil && !strings.Contains(body, `id="hello"`) {
			err = fmt.Errorf("citizen %d: no session", n)
		}
		return err
	})
}

// fileOne files one application, pays it and comes back to the status
// page; paid is called once the fee is paid.
func fileOne(ctx context.Context, sims *simProc, lb *balancer, b *http.Client, v visit, paid func(application)) (application, error) {
	var app application
	if err := retry(ctx, func() error {
		resp, body, err := do(ctx, b, http.MethodPost, lb.URL+"/antrag", url.Values{"ars": {v.ARS}, "leika": {v.Leika}})
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("apply: status %d", resp.StatusCode)
		}
		app = application{ARS: v.ARS, AppID: find(reAntrag, body), TxID: find(reTx, body)}
		return nil
	}); err != nil {
		return app, err
	}
	if err := sims.admin(ctx, "/pay", url.Values{"ars": {v.ARS}, "tx": {app.TxID}}); err != nil {
		return app, err
	}
	paid(app)
	// Back from the pay page; the instance may die meanwhile: the
	// resumer of the other one finishes the application then.
	return app, retry(ctx, func() error {
		resp, _, err := do(ctx, b, http.MethodGet, lb.URL+"/antrag/"+app.AppID, nil)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status page: %d", resp.StatusCode)
		}
		return err
	})
}

// citizenRun is one citizen: log in once, then file, pay and come back
// for each visit.
func citizenRun(ctx context.Context, sims *simProc, lb *balancer, login *sync.Mutex, n int, visits []visit, paid func(application)) error {
	b := lb.browser(n)
	if err := loginAs(ctx, sims, lb, login, b, n); err != nil {
		return err
	}
	for _, v := range visits {
		if _, err := fileOne(ctx, sims, lb, b, v, paid); err != nil {
			return err
		}
	}
	return nil
}
