package apicheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixture expands the placeholders in a test source: the citations the
// rule must catch are spelled only at run time, so this file itself cites
// no file outside the repository.
var fixture = strings.NewReplacer("@MD", ".md", "@SHARED", "shared"+"/reference")

func check(t *testing.T, importPath, src string) []string {
	src = fixture.Replace(src)
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.ParseComments|parser.SkipObjectResolution)
	require.NoError(t, err)
	var rules []string
	for _, v := range Check(fset, Package{ImportPath: importPath, Files: []*ast.File{f}}) {
		rules = append(rules, v.Rule)
	}
	return rules
}

// TestCheckRules: each rule fires on a package that breaks it, and a
// package that keeps the conventions passes.
func TestCheckRules(t *testing.T) {
	t.Parallel()
	const pub = "example.org/m/pay"
	cases := map[string]struct {
		path, src string
		want      []string
	}{
		"good package": {pub, `package pay
import ("errors"; "example.org/m/internal/httpx")
var ErrInvalidConfig = errors.New("pay: invalid configuration")
// Config configures a Client; see RFC 9110, section 15.
type Config struct { InsecureDevelopment bool; Backoff Backoff }
type Backoff struct{ n int }
const DefaultMaxBytes = httpx.DefaultMaxBytes
func New(cfg Config) (*Client, error) { _ = httpx.Do(); return nil, nil }
type Client struct{ b httpx.Backoff }
func (c *Client) do(b httpx.Backoff) {}
`, nil},
		"no ErrInvalidConfig": {pub, `package pay
func New() (*int, error) { return nil, nil }`, []string{RuleInvalidConfig}},
		"Open without ErrInvalidConfig": {pub, `package pay
func OpenSQLite(path string) (*int, error) { return nil, nil }`, []string{RuleInvalidConfig}},
		"Config.Validate without ErrInvalidConfig": {pub, `package pay
type Config struct{}
func (c Config) Validate() error { return nil }`, []string{RuleInvalidConfig}},
		"ErrConfig": {pub, `package pay
import "errors"
var ErrInvalidConfig, ErrConfig = errors.New("a"), errors.New("b")`, []string{RuleErrConfig}},
		"alias of internal type": {pub, `package pay
import "example.org/m/internal/redact"
type Secret = redact.Secret`, []string{RuleInternalType}},
		"renamed internal import": {pub, `package pay
import rx "example.org/m/internal/redact"
type Secret = rx.Secret`, []string{RuleInternalType}},
		"internal type in signature": {pub, `package pay
import "example.org/m/internal/httpx"
func Retry(b httpx.Backoff) {}`, []string{RuleInternalType}},
		"internal type in method result": {pub, `package pay
import "example.org/m/internal/httpx"
type C struct{}
func (C) Backoff() *httpx.Backoff { return nil }`, []string{RuleInternalType}},
		"internal type in field": {pub, `package pay
import "example.org/m/internal/httpx"
type Config struct{ Retry []httpx.Backoff }`, []string{RuleInternalType}},
		"embedded internal type": {pub, `package pay
import "example.org/m/internal/httpx"
type Config struct{ *httpx.Backoff }`, []string{RuleInternalType}},
		"defined on internal type": {pub, `package pay
import "example.org/m/internal/httpx"
type Backoff httpx.Backoff`, []string{RuleInternalType}},
		"internal var": {pub, `package pay
import "example.org/m/internal/httpx"
var DefaultBackoff = httpx.Backoff{N: 3}`, []string{RuleInternalType}},
		"internal typed var": {pub, `package pay
import "example.org/m/internal/httpx"
var DefaultBackoff httpx.Backoff`, []string{RuleInternalType}},
		"InsecureAllowHTTP": {pub, `package pay
type SenderConfig struct{ InsecureAllowHTTP bool }`, []string{RuleDevSwitch}},
		"InsecureCookie": {pub, `package pay
type Config struct{ InsecureCookie bool }`, []string{RuleDevSwitch}},
		"outside citation in doc": {pub, `// Package pay implements payment@MD §2.3.
package pay`, []string{RuleOutsideCite}},
		"outside citation across lines": {pub, `package pay
// Status codes, see payment@MD
// §4.
const X = 1`, []string{RuleOutsideCite}},
		"shared reference path": {pub, `package pay
func f() {
	// from ../@SHARED/style@MD
}`, []string{RuleOutsideCite}},
		"doc points to internal": {pub, `package pay
// Do retries like internal/httpx.Retry does.
func Do() {}`, []string{RuleInternalDoc}},
		"internal package may use internal types": {"example.org/m/internal/x", `package x
import "example.org/m/internal/httpx"
type Backoff = httpx.Backoff
func New() (*int, error) { return nil, nil }`, nil},
		"internal package still may not cite outside files": {"example.org/m/internal/x", `// See notify@MD §5.
package x`, []string{RuleOutsideCite}},
		"unexported identifiers are not API": {pub, `package pay
import "example.org/m/internal/httpx"
type backoff = httpx.Backoff
type cfg struct{ InsecureCookie bool }
func newX() (*int, error) { return nil, nil }`, nil},
		"constructor without error needs no sentinel": {pub, `package pay
func NewMemoryStore() *int { return nil }`, nil},
		"validating input is no constructor": {pub, `package pay
type Schema struct{}
func (Schema) Validate(doc []byte) error { return nil }`, nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, check(t, c.path, c.src))
		})
	}
}
