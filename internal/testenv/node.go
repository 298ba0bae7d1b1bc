package testenv

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// MinNodeMajor is the oldest Node.js major version the interop tests run
// on: the npm counterparts (jose 6, oidc-provider 9) need Node 20's
// WebCrypto; Debian 12's own nodejs (18) is too old.
const MinNodeMajor = 20

// Node returns the path of a node binary of at least [MinNodeMajor], or
// marks the test unavailable.
func Node(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		Unavailable(t, "node", fmt.Sprintf("install Node.js >= %d (Debian 12's nodejs is 18: use the NodeSource or an official image)", MinNodeMajor))
		return ""
	}
	out, err := exec.Command(p, "--version").Output()
	if err != nil {
		Unavailable(t, "node", "node --version failed: "+err.Error())
		return ""
	}
	major, err := nodeMajor(string(out))
	if err != nil {
		Unavailable(t, "node", err.Error())
		return ""
	}
	if major < MinNodeMajor {
		Unavailable(t, fmt.Sprintf("node >= %d", MinNodeMajor), fmt.Sprintf("found %s at %s", strings.TrimSpace(string(out)), p))
	}
	return p
}

// NPM returns the path of npm, or marks the test unavailable.
func NPM(t testing.TB) string {
	t.Helper()
	return Command(t, "npm", "npm (or Node.js >= 20 from an official image)")
}

// NodeModules checks that `npm ci` has installed the npm package directory
// dir (a folder with package.json and a committed package-lock.json, e.g.
// testdata/node) and is not stale, and returns the absolute path of its
// node_modules folder. It also requires [Node]. Otherwise it marks the test
// unavailable with the command that fixes it.
func NodeModules(t testing.TB, dir string) string {
	t.Helper()
	Node(t)
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if err := nodeModulesProblem(abs); err != nil {
		Unavailable(t, "npm packages in "+dir, err.Error()+"; run: npm ci --prefix "+abs)
	}
	return filepath.Join(abs, "node_modules")
}

// nodeModulesProblem says what is wrong with the npm installation in dir,
// or returns nil. npm ci writes node_modules/.package-lock.json (the
// "hidden lockfile") after a complete install; a package-lock.json newer
// than it means the lock changed since.
func nodeModulesProblem(dir string) error {
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return errors.New("no package-lock.json (commit one: npm install --package-lock-only)")
	}
	hidden, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	if err != nil {
		return errors.New("node_modules missing or incomplete")
	}
	if lock.ModTime().After(hidden.ModTime()) {
		return errors.New("package-lock.json changed after the last npm ci")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return errors.New("no package.json")
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		return fmt.Errorf("package.json: %v", err)
	}
	var missing []string
	for _, deps := range []map[string]string{pkg.Dependencies, pkg.DevDependencies} {
		for name := range deps {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", filepath.FromSlash(name), "package.json")); err != nil {
				missing = append(missing, name)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("not installed: %s", strings.Join(missing, ", "))
	}
	return nil
}

// nodeMajor parses the major version from `node --version` output ("v20.20.2").
func nodeMajor(version string) (int, error) {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("cannot parse node version %q", strings.TrimSpace(version))
	}
	return n, nil
}
