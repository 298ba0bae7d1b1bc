package xmlsafe

import "fmt"

// StripElements checks data like Check and returns a copy without the
// elements whose raw tag name (prefix included, as written) is one of
// names, content and all. Line breaks inside removed elements are kept, so
// line numbers of the remaining markup do not change.
//
// It exists for consumers that discard whole subtrees anyway (an XSD
// compiler ignores xs:annotation, which is two thirds of the XÖV schema
// bytes): the removed bytes are scanned lexically under lim, but not
// tokenised. Callers must make sure the raw names identify the elements
// they mean, that is, that the prefix is bound to the same namespace
// everywhere in data.
func StripElements(data []byte, lim Limits, names ...string) ([]byte, error) {
	lim = lim.WithDefaults()
	match := func(n []byte) bool {
		for _, want := range names {
			if string(n) == want {
				return true
			}
		}
		return false
	}
	out := make([]byte, 0, len(data))
	last, open, from := 0, 0, 0
	cut := func(a, b int) {
		out = append(out, data[last:a]...)
		for _, c := range data[a:b] {
			if c == '\n' {
				out = append(out, '\n')
			}
		}
		last = b
	}
	err := scan(data, lim, func(t tag) {
		switch {
		case open == 0 && !t.endTag && match(t.name):
			if t.selfClosing {
				cut(t.start, t.end)
				return
			}
			open, from = 1, t.start
		case open > 0 && t.endTag:
			open--
			if open == 0 {
				cut(from, t.end)
			}
		case open > 0 && !t.selfClosing:
			open++
		}
	})
	if err != nil {
		return nil, err
	}
	if open > 0 {
		return nil, &SyntaxError{Msg: fmt.Sprintf("unclosed element at byte %d", from)}
	}
	return append(out, data[last:]...), nil
}
