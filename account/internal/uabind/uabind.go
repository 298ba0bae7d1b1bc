package uabind

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Max bounds the binding values one cookie carries: logins that the same
// user agent has pending at once.
const Max = 4

// valueLen is the length of a value: 32 random bytes, base64url.
const valueLen = 43

// Cookie describes the binding cookie of one protocol.
type Cookie struct {
	Name string
	TTL  time.Duration // lifetime of a pending login
	// Insecure drops Secure and uses SameSite=Lax (development on plain
	// http loopback only).
	Insecure bool
	// SameSite is used for the secure cookie; zero means None, which a
	// cross-site POST (SAML HTTP-POST, OIDC form_post) needs. OIDC's
	// query-mode redirect is a top-level GET and works with Lax.
	SameSite http.SameSite
}

// Fresh mints the binding value for a new login and returns it with the
// cookie to set: the new value first, then up to Max-1 well-formed values
// of logins still pending in this user agent.
func (c Cookie) Fresh(r *http.Request) (fresh string, cookie *http.Cookie) {
	fresh = Random(32)
	vals := append([]string{fresh}, c.Incoming(r)...)
	if len(vals) > Max {
		vals = vals[:Max]
	}
	return fresh, c.cookie(strings.Join(vals, "."))
}

// Incoming returns the well-formed binding values of the cookie (at most
// Max).
func (c Cookie) Incoming(r *http.Request) []string {
	ck, err := r.Cookie(c.Name)
	if err != nil {
		return nil
	}
	var vals []string
	for v := range strings.SplitSeq(ck.Value, ".") {
		if len(vals) == Max {
			break
		}
		if WellFormed(v) {
			vals = append(vals, v)
		}
	}
	return vals
}

// Match returns the index of the value in vals whose Hash equals hash, in
// constant time per value, or -1.
func Match(vals []string, hash string) int {
	used := -1
	for i, v := range vals {
		if subtle.ConstantTimeCompare([]byte(Hash(v)), []byte(hash)) == 1 {
			used = i
		}
	}
	return used
}

// Without returns the cookie that remains after the value at index used
// has done its job (deleting the cookie when none remain).
func (c Cookie) Without(vals []string, used int) *http.Cookie {
	rest := append(vals[:used:used], vals[used+1:]...)
	return c.cookie(strings.Join(rest, "."))
}

// cookie returns the binding cookie with value v; an empty v deletes it.
func (c Cookie) cookie(v string) *http.Cookie {
	ss := c.SameSite
	if ss == 0 {
		ss = http.SameSiteNoneMode
	}
	// Path "/": the cookie is read both where logins start and at the
	// callback.
	ck := &http.Cookie{Name: c.Name, Value: v, Path: "/", HttpOnly: true,
		MaxAge: int(c.TTL.Seconds()), Secure: true, SameSite: ss}
	if v == "" {
		ck.MaxAge = -1
	}
	if c.Insecure {
		ck.Secure, ck.SameSite = false, http.SameSiteLaxMode
	}
	return ck
}

// WellFormed reports whether v has the form of a value Random(32) returns
// (43 characters of unpadded base64url); anything else is never looked up.
func WellFormed(v string) bool {
	if len(v) != valueLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil
}

// Random returns n random bytes, base64url without padding.
func Random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash is the hex SHA-256 of a binding value, what a store keeps.
func Hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// LocalPath accepts "/x…" but not "//host", "/\host" or anything with a
// scheme: the only return targets after login (no open redirect).
func LocalPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.ContainsAny(p, "\r\n")
}
