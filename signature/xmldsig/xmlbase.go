package xmldsig

import (
	"strings"

	"github.com/beevik/etree"
)

// C14N 1.1 xml:base fix-up (Canonical XML 1.1, W3C Rec 2 May 2008, §2.4
// "Document Subsets"; the modified URI join is specified there too, with
// worked examples in its Appendix A).
//
// When the apex of a document subset is canonicalized, its omitted
// ancestors' xml:base values would be lost; C14N 1.0 copied only the
// nearest one, which changes the meaning of a relative value. C14N 1.1
// instead joins all of them, outermost first, and then the apex's own
// xml:base, and writes the result as the apex's xml:base. The join is RFC
// 3986 §5.2.2 "Transform References" with two deviations that keep relative
// values relative: a base path whose last segment is "." or ".." counts as
// a directory, and dot-segment removal keeps ".." segments that cannot be
// resolved instead of dropping them (RFC 3986 §5.2.4 would turn "../x"
// into "x" and "a/../.." into "/").

// xmlBaseFixup returns the xml:base value the apex el gets under C14N 1.1,
// and whether there is a fix-up at all (some ancestor carries xml:base).
// An empty result means that the apex gets no xml:base attribute.
func xmlBaseFixup(el *etree.Element) (string, bool) {
	var bases []string // nearest first
	for p := el.Parent(); p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			if a.Space == "xml" && a.Key == "base" {
				bases = append(bases, a.Value)
			}
		}
	}
	if len(bases) == 0 {
		return "", false
	}
	v := bases[len(bases)-1]
	for i := len(bases) - 2; i >= 0; i-- {
		v = joinURIReferences(v, bases[i])
	}
	for _, a := range el.Attr {
		if a.Space == "xml" && a.Key == "base" {
			v = joinURIReferences(v, a.Value)
		}
	}
	return v, true
}

// uriRef is a URI reference split per RFC 3986 Appendix B.
type uriRef struct {
	scheme, authority, path, query, fragment       string
	hasScheme, hasAuthority, hasQuery, hasFragment bool
}

func parseURIRef(s string) uriRef {
	var u uriRef
	if i := strings.IndexByte(s, '#'); i >= 0 {
		u.fragment, u.hasFragment, s = s[i+1:], true, s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		u.query, u.hasQuery, s = s[i+1:], true, s[:i]
	}
	// A scheme is everything before the first ':' if that comes before any
	// '/' and is not empty (RFC 3986 Appendix B, "^(([^:/?#]+):)?").
	if i := strings.IndexAny(s, ":/"); i > 0 && s[i] == ':' {
		u.scheme, u.hasScheme, s = s[:i], true, s[i+1:]
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:]
		i := strings.IndexByte(s, '/')
		if i < 0 {
			i = len(s)
		}
		u.authority, u.hasAuthority, s = s[:i], true, s[i:]
	}
	u.path = s
	return u
}

func (u uriRef) String() string {
	var b strings.Builder
	if u.hasScheme {
		b.WriteString(u.scheme)
		b.WriteByte(':')
	}
	if u.hasAuthority {
		b.WriteString("//")
		b.WriteString(u.authority)
	}
	b.WriteString(u.path)
	if u.hasQuery {
		b.WriteByte('?')
		b.WriteString(u.query)
	}
	if u.hasFragment {
		b.WriteByte('#')
		b.WriteString(u.fragment)
	}
	return b.String()
}

// joinURIReferences resolves ref against base as C14N 1.1 §2.4 prescribes:
// RFC 3986 §5.2.2 without requiring base to be absolute, with the merge
// and dot-segment removal of that section modified as described above.
func joinURIReferences(base, ref string) string {
	b, r := parseURIRef(base), parseURIRef(ref)
	var t uriRef
	switch {
	case r.hasScheme:
		t = r
		t.path = removeDotSegments(r.path)
	case r.hasAuthority:
		t = r
		t.scheme, t.hasScheme = b.scheme, b.hasScheme
		t.path = removeDotSegments(r.path)
	default:
		t.scheme, t.hasScheme = b.scheme, b.hasScheme
		t.authority, t.hasAuthority = b.authority, b.hasAuthority
		switch {
		case r.path == "":
			t.path = b.path
			if r.hasQuery {
				t.query, t.hasQuery = r.query, true
			} else {
				t.query, t.hasQuery = b.query, b.hasQuery
			}
		case strings.HasPrefix(r.path, "/"):
			t.path = removeDotSegments(r.path)
			t.query, t.hasQuery = r.query, r.hasQuery
		default:
			t.path = removeDotSegments(mergePaths(b, r.path))
			t.query, t.hasQuery = r.query, r.hasQuery
		}
	}
	t.fragment, t.hasFragment = r.fragment, r.hasFragment
	return t.String()
}

// mergePaths is RFC 3986 §5.2.3, except that a base path ending in a "."
// or ".." segment is a directory (C14N 1.1 §2.4: the base "../.." joined
// with "x" is "../../x", not "x").
func mergePaths(b uriRef, ref string) string {
	if b.hasAuthority && b.path == "" {
		return "/" + ref
	}
	last := b.path[strings.LastIndexByte(b.path, '/')+1:]
	if last == "." || last == ".." {
		return b.path + "/" + ref
	}
	i := strings.LastIndexByte(b.path, '/')
	if i < 0 {
		return ref
	}
	return b.path[:i+1] + ref
}

// removeDotSegments is RFC 3986 §5.2.4 modified by C14N 1.1 §2.4: ".."
// segments that would climb above the start of a relative path are kept,
// and a relative path never becomes absolute.
func removeDotSegments(p string) string {
	if p == "" {
		return ""
	}
	abs := strings.HasPrefix(p, "/")
	if abs {
		p = p[1:]
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	dir := false // the result ends with "/"
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			dir = last
		case "..":
			if n := len(out); n > 0 && out[n-1] != ".." {
				out = out[:n-1]
				dir = last
			} else if !abs {
				// Cannot be resolved here: kept for the next join.
				out = append(out, "..")
				dir = false
			} else {
				dir = last
			}
		default:
			out = append(out, s)
			dir = false
		}
	}
	res := strings.Join(out, "/")
	if dir && len(out) > 0 {
		res += "/"
	}
	if abs {
		res = "/" + res
	}
	return res
}
