package xmldsig

import (
	"bytes"

	"github.com/beevik/etree"
)

// splice returns data with the serialized sig inserted as the first or
// last child of the root element, as three pieces to be written in order
// (head and tail are sub-slices of data), leaving every other byte
// unchanged, so the signed content is exactly what the caller passed in
// (no re-serialization, no round-trip risk). It holds no reference to the
// tree afterwards. ok is false when the root's tags cannot be located with
// certainty; the caller then re-serializes the tree.
func splice(data []byte, root, sig *etree.Element, first bool) (pieces [3][]byte, ok bool) {
	qname := root.FullTag()
	_, end, selfClosing, ok := rootStartTag(data, qname)
	if !ok {
		return pieces, false
	}
	at := end
	if !selfClosing && !first {
		k, ok := rootEndTag(data, qname)
		if !ok || k < end {
			return pieces, false
		}
		at = k
	}
	var mid bytes.Buffer
	if selfClosing {
		// <root .../>  →  <root ...><ds:Signature…/></root>
		at = end - 2
		mid.WriteByte('>')
	}
	sig.WriteTo(&mid, &etree.WriteSettings{CanonicalEndTags: true, CanonicalText: true, CanonicalAttrVal: true})
	tail := data[at:]
	if selfClosing {
		mid.WriteString("</" + qname + ">")
		tail = data[end:]
	}
	return [3][]byte{data[:at], mid.Bytes(), tail}, true
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// rootStartTag finds the root element's start tag after the prolog (XML
// declaration, comments, processing instructions, white space; a DOCTYPE
// was refused by the parser). end is the offset after its '>'.
func rootStartTag(data []byte, qname string) (start, end int, selfClosing, ok bool) {
	i := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	for {
		for i < len(data) && isSpace(data[i]) {
			i++
		}
		if i >= len(data) || data[i] != '<' {
			return 0, 0, false, false
		}
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			k := bytes.Index(rest, []byte("?>"))
			if k < 0 {
				return 0, 0, false, false
			}
			i += k + 2
		case bytes.HasPrefix(rest, []byte("<!--")):
			k := bytes.Index(rest[4:], []byte("-->"))
			if k < 0 {
				return 0, 0, false, false
			}
			i += 4 + k + 3
		case bytes.HasPrefix(rest, []byte("<!")):
			return 0, 0, false, false
		default:
			if !bytes.HasPrefix(rest[1:], []byte(qname)) {
				return 0, 0, false, false
			}
			j := 1 + len(qname)
			if j >= len(rest) || !(isSpace(rest[j]) || rest[j] == '>' || rest[j] == '/') {
				return 0, 0, false, false
			}
			for j < len(rest) {
				switch q := rest[j]; q {
				case '"', '\'':
					k := bytes.IndexByte(rest[j+1:], q)
					if k < 0 {
						return 0, 0, false, false
					}
					j += k + 2
				case '>':
					return i, i + j + 1, rest[j-1] == '/', true
				default:
					j++
				}
			}
			return 0, 0, false, false
		}
	}
}

// rootEndTag returns the offset of the root's end tag "</qname>", skipping
// trailing white space, comments and processing instructions.
func rootEndTag(data []byte, qname string) (int, bool) {
	j := len(data)
	for {
		for j > 0 && isSpace(data[j-1]) {
			j--
		}
		switch {
		case bytes.HasSuffix(data[:j], []byte("-->")):
			k := bytes.LastIndex(data[:j], []byte("<!--"))
			if k < 0 {
				return 0, false
			}
			j = k
			continue
		case bytes.HasSuffix(data[:j], []byte("?>")):
			k := bytes.LastIndex(data[:j], []byte("<?"))
			if k < 0 {
				return 0, false
			}
			j = k
			continue
		}
		break
	}
	k := bytes.LastIndex(data[:j], []byte("</"))
	if k < 0 {
		return 0, false
	}
	tag := bytes.TrimRight(data[k+2:j], " \t\r\n")
	if !bytes.HasSuffix(tag, []byte(">")) || string(bytes.TrimRight(tag[:len(tag)-1], " \t\r\n")) != qname {
		return 0, false
	}
	return k, true
}
