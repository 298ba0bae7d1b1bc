package xmlsafe

import (
	"bytes"
)

// Check scans data once and enforces lim (after WithDefaults) without
// building a tree. It follows the XML 1.0 lexical structure (§2.5 comments,
// §2.6 processing instructions, §2.7 CDATA sections, §2.8 document type
// declaration, §3.1 tags) only as far as needed to count elements and
// attributes and to find markup declarations; well-formedness proper is left
// to a parser. Parse does not need it (it enforces the limits itself);
// StripElements and callers that only want a cheap verdict use it.
func Check(data []byte, lim Limits) error {
	return scan(data, lim.WithDefaults(), nil)
}

// tag is one start, end or empty-element tag found by scan: data[start:end]
// is the whole tag, name its raw (possibly prefixed) name.
type tag struct {
	start, end  int
	name        []byte
	endTag      bool
	selfClosing bool
}

// scan is the lexer behind Check and StripElements; onTag, if not nil, sees
// every tag in document order.
func scan(data []byte, lim Limits, onTag func(tag)) error {
	if int64(len(data)) > lim.MaxBytes {
		return &LimitError{Limit: "bytes", Max: lim.MaxBytes, Offset: lim.MaxBytes}
	}
	depth, elements := 0, 0
	i := 0
	for {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 {
			return nil
		}
		i += j
		rest := data[i+1:]
		switch {
		case len(rest) > 0 && rest[0] == '?':
			end := bytes.Index(rest, []byte("?>"))
			if end < 0 {
				return &SyntaxError{Msg: "unterminated processing instruction"}
			}
			i += 1 + end + 2
		case bytes.HasPrefix(rest, []byte("!--")):
			end := bytes.Index(rest[3:], []byte("-->"))
			if end < 0 {
				return &SyntaxError{Msg: "unterminated comment"}
			}
			i += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("![CDATA[")):
			end := bytes.Index(rest[8:], []byte("]]>"))
			if end < 0 {
				return &SyntaxError{Msg: "unterminated CDATA section"}
			}
			i += 9 + end + 3
		case len(rest) > 0 && rest[0] == '!':
			return ErrDoctype
		case len(rest) > 0 && rest[0] == '/':
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return &SyntaxError{Msg: "unterminated end tag"}
			}
			depth--
			if onTag != nil {
				onTag(tag{start: i, end: i + 1 + end + 1, name: bytes.TrimSpace(rest[1:end]), endTag: true})
			}
			i += 1 + end + 1
		default:
			n, attrs, selfClosing, err := scanStartTag(rest)
			if err != nil {
				return err
			}
			elements++
			if elements > lim.MaxElements {
				return &LimitError{Limit: "elements", Max: int64(lim.MaxElements), Offset: int64(i)}
			}
			if attrs > lim.MaxAttributes {
				return &LimitError{Limit: "attributes", Max: int64(lim.MaxAttributes), Offset: int64(i)}
			}
			if !selfClosing {
				depth++
				if depth > lim.MaxDepth {
					return &LimitError{Limit: "depth", Max: int64(lim.MaxDepth), Offset: int64(i)}
				}
			}
			if onTag != nil {
				onTag(tag{start: i, end: i + 1 + n, name: tagName(rest), selfClosing: selfClosing})
			}
			i += 1 + n
		}
	}
}

// scanStartTag scans the body of a start tag (after '<') up to and including
// its '>', skipping quoted attribute values. It returns the bytes consumed,
// the number of attributes (one per quoted value) and whether the tag is
// empty-element ("/>"). A repeated attribute name is an error (XML 1.0 §3.1,
// WFC: Unique Att Spec): encoding/xml does not check it and etree would keep
// only one of the values, a parser differential that signature-wrapping
// attacks exploit.
func scanStartTag(b []byte) (n, attrs int, selfClosing bool, err error) {
	var names [][]byte
	i := 0
	for {
		k := bytes.IndexAny(b[i:], "\"'>")
		if k < 0 {
			return 0, 0, false, &SyntaxError{Msg: "unterminated start tag"}
		}
		i += k
		switch q := b[i]; q {
		case '>':
			return i + 1, attrs, i > 0 && b[i-1] == '/', nil
		default:
			name := attrName(b[:i])
			for _, prev := range names {
				if bytes.Equal(prev, name) {
					return 0, 0, false, &SyntaxError{Msg: "duplicate attribute " + string(name)}
				}
			}
			names = append(names, name)
			end := bytes.IndexByte(b[i+1:], q)
			if end < 0 {
				return 0, 0, false, &SyntaxError{Msg: "unterminated start tag"}
			}
			attrs++
			i += 1 + end + 1
		}
	}
}

// tagName returns the raw name at the start of a start tag body.
func tagName(b []byte) []byte {
	for i, c := range b {
		if isSpace(c) || c == '/' || c == '>' {
			return b[:i]
		}
	}
	return b
}

// attrName returns the attribute name that precedes a quoted value: the
// bytes before '=' (white space allowed around it) back to white space.
func attrName(b []byte) []byte {
	j := len(b)
	for j > 0 && isSpace(b[j-1]) {
		j--
	}
	if j > 0 && b[j-1] == '=' {
		j--
	}
	for j > 0 && isSpace(b[j-1]) {
		j--
	}
	end := j
	for j > 0 && !isSpace(b[j-1]) && b[j-1] != '=' && b[j-1] != '"' && b[j-1] != '\'' {
		j--
	}
	return b[j:end]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
