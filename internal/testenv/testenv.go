package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// CI reports whether the tests run in CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Unavailable skips t, or fails it under CI, saying what is missing and how
// to provide it.
func Unavailable(t testing.TB, what, how string) {
	t.Helper()
	if CI() {
		t.Fatalf("%s is required in CI but unavailable: %s", what, how)
		return
	}
	t.Skipf("skipping: %s unavailable (%s); CI=true turns this skip into a failure", what, how)
}

// Command returns the path of the named program or marks the test
// unavailable with a hint on which Debian package provides it.
func Command(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Unavailable(t, name, "install it with: apt-get install "+debianPackage)
	}
	return p
}

// XMLSec1 returns the path of xmlsec1 (Debian xmlsec1).
func XMLSec1(t testing.TB) string { return Command(t, "xmlsec1", "xmlsec1") }

// XMLLint returns the path of xmllint (Debian libxml2-utils).
func XMLLint(t testing.TB) string { return Command(t, "xmllint", "libxml2-utils") }

// Java returns the path of the java launcher (Debian openjdk-17-jdk-headless).
func Java(t testing.TB) string { return Command(t, "java", "openjdk-17-jdk-headless") }

// Javac returns the path of javac (Debian openjdk-17-jdk-headless).
func Javac(t testing.TB) string { return Command(t, "javac", "openjdk-17-jdk-headless") }

// Chromium returns the path of the Chromium browser (Debian chromium).
func Chromium(t testing.TB) string { return Command(t, "chromium", "chromium") }

// SMTP describes an SMTP sink with mailpit's HTTP API.
type SMTP struct {
	Addr   string // host:port of the SMTP listener
	APIURL string // base URL of the HTTP API, e.g. http://127.0.0.1:18025
}

// SMTPServer returns the SMTP sink from OZG_TEST_SMTP_ADDR and
// OZG_TEST_MAILPIT_URL, or marks the test unavailable.
func SMTPServer(t testing.TB) SMTP {
	t.Helper()
	s := SMTP{Addr: os.Getenv("OZG_TEST_SMTP_ADDR"), APIURL: os.Getenv("OZG_TEST_MAILPIT_URL")}
	if s.Addr == "" || s.APIURL == "" {
		Unavailable(t, "SMTP server (mailpit)", "set OZG_TEST_SMTP_ADDR and OZG_TEST_MAILPIT_URL, see README")
	}
	return s
}

// Mailpit returns the path of the mailpit binary (go install
// github.com/axllent/mailpit@v1.27.11) for tests that start their own.
func Mailpit(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	if gp, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := string(gp[:len(gp)-1]) + "/bin/mailpit"
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	Unavailable(t, "mailpit", "go install github.com/axllent/mailpit@v1.27.11")
	return ""
}
