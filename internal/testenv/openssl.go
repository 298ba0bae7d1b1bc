package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// OpenSSL returns the path of the openssl command (Debian openssl).
func OpenSSL(t testing.TB) string { return Command(t, "openssl", "openssl") }

// OpenSSLLegacy returns the path of an openssl whose legacy provider loads
// (OpenSSL 3 with ossl-modules/legacy.so, as Debian's libssl3 ships), for
// tests that write old PKCS#12 files (RC2-40, 3DES, SHA-1 MAC) with
// `openssl pkcs12 -export -legacy`.
func OpenSSLLegacy(t testing.TB) string {
	t.Helper()
	p := OpenSSL(t)
	if out, err := exec.Command(p, "list", "-providers", "-provider", "legacy").CombinedOutput(); err != nil {
		Unavailable(t, "OpenSSL legacy provider", "openssl list -provider legacy failed ("+err.Error()+"): "+string(out))
	}
	return p
}

// RepoPath returns path (a file or folder of this repository, relative to
// the test's package folder) if it exists. A missing path is a broken
// checkout, not a missing oracle: the test fails, also locally, instead of
// skipping silently.
func RepoPath(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("testenv: repository path %s missing: %v", path, err)
	}
	return path
}
