package testenv

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder is a testing.TB that records Skipf and Fatalf instead of
// stopping the goroutine.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Skipf(f string, args ...any)  { r.skipped = fmt.Sprintf(f, args...) }
func (r *recorder) Fatalf(f string, args ...any) { r.failed = fmt.Sprintf(f, args...) }
func (r *recorder) Errorf(f string, args ...any) { r.failed = fmt.Sprintf(f, args...) }
func (r *recorder) Logf(string, ...any)          {}
func (r *recorder) Cleanup(func())               {}
func (r *recorder) Setenv(string, string)        {}
func (r *recorder) TempDir() string              { return "" }
func (r *recorder) Name() string                 { return "recorder" }
func (r *recorder) Skip(args ...any)             { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatal(args ...any)            { r.failed = fmt.Sprint(args...) }
func (r *recorder) Error(args ...any)            { r.failed = fmt.Sprint(args...) }
func (r *recorder) Log(...any)                   {}
func (r *recorder) Failed() bool                 { return r.failed != "" }
func (r *recorder) Skipped() bool                { return r.skipped != "" }

// TestUnavailable: a missing counterpart skips locally and fails in CI.
func TestUnavailable(t *testing.T) {
	for _, ci := range []string{"", "false", "1", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			r := &recorder{}
			Unavailable(r, "thing", "install it")
			if ci == "true" {
				assert.Contains(t, r.failed, "thing is required in CI")
				assert.Empty(t, r.skipped)
			} else {
				assert.Contains(t, r.skipped, "thing unavailable (install it)")
				assert.Empty(t, r.failed)
			}
		})
	}
}

func TestRepoPathMissingFails(t *testing.T) {
	t.Setenv("CI", "")
	r := &recorder{}
	RepoPath(r, "no/such/schema.xsd")
	assert.Contains(t, r.failed, "no/such/schema.xsd missing", "a missing repository file fails even locally")
	assert.Empty(t, r.skipped)
}

func TestCommandMissing(t *testing.T) {
	t.Setenv("CI", "true")
	r := &recorder{}
	Command(r, "ozg-no-such-program", "ozg-pkg")
	assert.Contains(t, r.failed, "apt-get install ozg-pkg")
}
