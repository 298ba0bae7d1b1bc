package uabind

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocalPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/me": true, "/antrag?id=1": true, "/": true,
		"": false, "me": false, "//evil.example/": false, "/\\evil.example": false,
		"https://evil.example/": false, "/a\r\nSet-Cookie: x": false, "javascript:alert(1)": false,
	} {
		assert.Equal(t, want, LocalPath(p), p)
	}
}

func TestFreshAndMatch(t *testing.T) {
	c := Cookie{Name: "b", TTL: time.Minute}
	req := httptest.NewRequest("GET", "/", nil)
	v1, ck := c.Fresh(req)
	assert.True(t, ck.Secure)
	assert.True(t, ck.HttpOnly)
	assert.Equal(t, http.SameSiteNoneMode, ck.SameSite)
	// A second login in the same user agent keeps the first value.
	req2 := httptest.NewRequest("GET", "/", nil)
	req2.AddCookie(ck)
	v2, ck2 := c.Fresh(req2)
	assert.NotEqual(t, v1, v2)
	req3 := httptest.NewRequest("GET", "/", nil)
	req3.AddCookie(ck2)
	vals := c.Incoming(req3)
	require.Equal(t, []string{v2, v1}, vals)
	assert.Equal(t, 1, Match(vals, Hash(v1)))
	assert.Equal(t, -1, Match(vals, Hash("other")))
	rest := c.Without(vals, 1)
	assert.Equal(t, v2, rest.Value)
	gone := c.Without([]string{v1}, 0)
	assert.Equal(t, -1, gone.MaxAge)
}

func TestIncomingBounds(t *testing.T) {
	c := Cookie{Name: "b"}
	var vals []string
	for range 10 {
		vals = append(vals, Random(32))
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: "b", Value: "short." + strings.Join(vals, ".") + ".!!!"})
	got := c.Incoming(req)
	assert.Len(t, got, Max, "at most Max values, malformed ones skipped")
	assert.Equal(t, vals[:Max], got)
}

func TestInsecure(t *testing.T) {
	_, ck := Cookie{Name: "b", Insecure: true}.Fresh(httptest.NewRequest("GET", "/", nil))
	assert.False(t, ck.Secure)
	assert.Equal(t, http.SameSiteLaxMode, ck.SameSite)
}

func TestWellFormed(t *testing.T) {
	good := Random(32)
	for v, want := range map[string]bool{
		good: true,
		"":   false, good[:42]: false, good + "A": false,
		"!" + good[1:]: false, "+" + good[1:]: false, "/" + good[1:]: false, good[:42] + "=": false,
		good[:21] + "." + good[22:]: false,
	} {
		assert.Equal(t, want, WellFormed(v), "%q", v)
	}
}
