package payprovider_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/payment/payprovider"
)

func sha(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func md5mac(secret, msg string) string {
	m := hmac.New(md5.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func TestHMACVerifier(t *testing.T) {
	t.Parallel()
	msg := []byte("09162000|k-1|4584|Gebuehr|1|giropay|2026-03-01 10:00:00")
	v := payprovider.HMACVerifier{Secrets: []payprovider.Secret{"new", "old"}}
	good := sha("new", string(msg))
	require.NoError(t, v.Verify(msg, good))
	require.NoError(t, v.Verify(msg, strings.ToUpper(good)), "hex case-insensitive")
	require.NoError(t, v.Verify(msg, sha("old", string(msg))), "rotation: old secret still accepted")
	sig, err := v.Sign(msg)
	require.NoError(t, err)
	assert.Equal(t, good, sig)

	bad := map[string]string{
		"other secret":   sha("attacker", string(msg)),
		"other message":  sha("new", string(msg)+"x"),
		"empty":          "",
		"not hex":        strings.Repeat("z", 64),
		"truncated":      good[:62],
		"too long":       good + "00",
		"md5 of message": md5mac("new", string(msg)),
		"odd length":     good[:63],
		"prefix":         "sha256=" + good,
	}
	for name, s := range bad {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, v.Verify(msg, s), payprovider.ErrInvalidSignature)
		})
	}
	require.ErrorIs(t, payprovider.HMACVerifier{}.Verify(msg, good), payprovider.ErrInvalidSignature, "no secrets")
	require.ErrorIs(t, payprovider.HMACVerifier{Secrets: []payprovider.Secret{""}}.Verify(msg, sha("", string(msg))), payprovider.ErrInvalidSignature, "empty secret never matches")
	_, err = payprovider.HMACVerifier{}.Sign(msg)
	require.Error(t, err)
}

func TestHMACMD5IsOptIn(t *testing.T) {
	t.Parallel()
	msg := []byte("gcReference|gcMerchantTxId|gcBackendTxId|4584|EUR|4000")
	sig := md5mac("pass", string(msg))
	v := payprovider.HMACVerifier{Algorithm: payprovider.HMACMD5, Secrets: []payprovider.Secret{"pass"}}
	require.ErrorIs(t, v.Verify(msg, sig), payprovider.ErrAlgorithmNotAllowed)
	_, err := v.Sign(msg)
	require.ErrorIs(t, err, payprovider.ErrAlgorithmNotAllowed)
	v.InsecureAllowMD5 = true
	require.NoError(t, v.Verify(msg, sig))
	require.ErrorIs(t, v.Verify(msg, sha("pass", string(msg))), payprovider.ErrInvalidSignature)
	require.ErrorIs(t, payprovider.HMACVerifier{Algorithm: 99, Secrets: []payprovider.Secret{"x"}}.Verify(msg, sig), payprovider.ErrAlgorithmNotAllowed)
}

func TestSecretNeverPrints(t *testing.T) {
	s := payprovider.Secret("hunter2-salt")
	for _, f := range []string{"%v", "%s", "%q", "%#v", "%+v"} {
		assert.NotContains(t, fmt.Sprintf(f, s), "hunter2")
	}
	assert.NotContains(t, fmt.Sprintf("%+v", payprovider.HMACVerifier{Secrets: []payprovider.Secret{s}}), "hunter2")
}

// Anti-pattern 9.4 (payment/paymenttest/SOURCES.md): hashes compared in variable time. This scans the
// package and its adapters: no ==, != or bytes.Equal on anything named like
// a hash, signature or MAC; comparisons go through payprovider.HMACVerifier
// (hmac.Equal).
func TestNoVariableTimeHashCompare(t *testing.T) {
	dirs := []string{".", "..", "../paytype", "../paystore", "../pmpayment", "../xbezahldienste", "../girocheckout", "../paymenttest"}
	suspicious := func(e ast.Expr) bool {
		var name string
		switch x := e.(type) {
		case *ast.Ident:
			name = x.Name
		case *ast.SelectorExpr:
			name = x.Sel.Name
		case *ast.CallExpr:
			if s, ok := x.Fun.(*ast.SelectorExpr); ok {
				name = s.Sel.Name
			}
		}
		n := strings.ToLower(name)
		return strings.Contains(n, "hash") || strings.Contains(n, "sig") || strings.Contains(n, "mac") || strings.Contains(n, "digest")
	}
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NotEmpty(t, files, dir)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			file, err := parser.ParseFile(token.NewFileSet(), f, src, 0)
			require.NoError(t, err)
			ast.Inspect(file, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.BinaryExpr:
					if (x.Op == token.EQL || x.Op == token.NEQ) && (suspicious(x.X) || suspicious(x.Y)) {
						if lit, ok := x.Y.(*ast.BasicLit); ok && lit.Value == `""` {
							return true // presence check, not a comparison of values
						}
						t.Errorf("%s: variable-time comparison of %s", f, string(src[x.Pos()-1:x.End()-1]))
					}
				case *ast.CallExpr:
					if s, ok := x.Fun.(*ast.SelectorExpr); ok {
						if id, ok := s.X.(*ast.Ident); ok && ((id.Name == "bytes" && s.Sel.Name == "Equal") || (id.Name == "strings" && s.Sel.Name == "EqualFold")) {
							t.Errorf("%s: %s.%s used; use hmac.Equal", f, id.Name, s.Sel.Name)
						}
					}
				}
				return true
			})
		}
	}
}

func TestSecretNeverPrintsAnywhere(t *testing.T) {
	s := payprovider.Secret("hunter2-SECRET")
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "s", s)
	js, err := json.Marshal(struct{ S payprovider.Secret }{s})
	require.NoError(t, err)
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %q %#v %+v", s, s, s, s, s), buf.String(), string(js)} {
		assert.NotContains(t, out, "hunter2")
		assert.Contains(t, out, "REDACTED")
	}
	assert.Equal(t, "hunter2-SECRET", string(s))
}
