package xmlsafe

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func deep(n int) string {
	return strings.Repeat("<a>", n) + strings.Repeat("</a>", n)
}

func TestParse(t *testing.T) {
	t.Parallel()
	lim := Limits{MaxBytes: 4096, MaxDepth: 8, MaxElements: 20, MaxAttributes: 3}
	tests := []struct {
		name    string
		in      string
		wantErr error
		limit   string
	}{
		{name: "simple", in: `<?xml version="1.0" encoding="UTF-8"?><r a="1"><b/>text</r>`},
		{name: "comment cdata pi", in: `<r><!-- <x> --><![CDATA[<y><z>]]><?pi <q>?></r>`},
		{name: "same local name other prefix", in: `<r xmlns:a="urn:1" a:x="1" x="3"/>`},
		{name: "gt in attribute", in: `<r a="x>y" b='>'/>`},
		{name: "at depth limit", in: deep(8)},
		{name: "doctype", in: `<!DOCTYPE r><r/>`, wantErr: ErrDoctype},
		{name: "billion laughs", in: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>`, wantErr: ErrDoctype},
		{name: "xxe", in: `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`, wantErr: ErrDoctype},
		{name: "doctype after comment", in: `<!-- c --><!DOCTYPE r><r/>`, wantErr: ErrDoctype},
		{name: "too deep", in: deep(9), wantErr: ErrLimit, limit: "depth"},
		{name: "10k deep", in: deep(10000), wantErr: ErrLimit, limit: "bytes"},
		{name: "too many elements", in: "<r>" + strings.Repeat("<e/>", 20) + "</r>", wantErr: ErrLimit, limit: "elements"},
		{name: "too many attributes", in: `<r a="1" b="2" c="3" d="4"/>`, wantErr: ErrLimit, limit: "attributes"},
		{name: "too large", in: "<r>" + strings.Repeat("x", 5000) + "</r>", wantErr: ErrLimit, limit: "bytes"},
		{name: "duplicate attribute", in: `<r ID="a" x="1" ID="b"/>`, wantErr: ErrSyntax},
		{name: "duplicate attribute spaced", in: "<r><s ID = 'a'\n ID='b'/></r>", wantErr: ErrSyntax},
		{name: "duplicate xmlns", in: `<r xmlns:a="urn:1" xmlns:a="urn:2"/>`, wantErr: ErrSyntax},
		{name: "unterminated comment", in: `<r><!-- x</r>`, wantErr: ErrSyntax},
		{name: "unterminated tag", in: `<r a="1`, wantErr: ErrSyntax},
		{name: "mismatched tags", in: `<r></s>`, wantErr: ErrSyntax},
		{name: "unknown entity", in: `<r>&foo;</r>`, wantErr: ErrSyntax},
		{name: "empty", in: ``, wantErr: ErrSyntax},
		{name: "text only", in: `hello`, wantErr: ErrSyntax},
		{name: "text before root", in: `x<r/>`, wantErr: ErrSyntax},
		{name: "text after root", in: "<r/>\nx", wantErr: ErrSyntax},
		{name: "latin1 declared", in: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>\xe4</r>", wantErr: ErrSyntax},
		{name: "invalid utf-8", in: "<r>\xe4</r>", wantErr: ErrSyntax},
		{name: "unsupported encoding", in: `<?xml version="1.0" encoding="EBCDIC-CP-US"?><r/>`, wantErr: ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc, err := Parse([]byte(tc.in), lim)
			if tc.wantErr == nil {
				require.NoError(t, err)
				require.NotNil(t, doc.Root())
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assert.Nil(t, doc)
			if tc.limit != "" {
				var le *LimitError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, tc.limit, le.Limit)
			}
		})
	}
}

func TestLimitsValidate(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte("<r/>"), Limits{MaxDepth: -1})
	require.Error(t, err)
	d := Limits{}.WithDefaults()
	assert.Equal(t, Limits{MaxBytes: DefaultMaxBytes, MaxDepth: DefaultMaxDepth, MaxElements: DefaultMaxElements, MaxAttributes: DefaultMaxAttributes}, d)
}

func TestParseReader(t *testing.T) {
	t.Parallel()
	doc, data, err := ParseReader(strings.NewReader("<r/>"), Limits{})
	require.NoError(t, err)
	assert.Equal(t, "r", doc.Root().Tag)
	assert.Equal(t, "<r/>", string(data))

	_, _, err = ParseReader(strings.NewReader("<r>"+strings.Repeat("x", 100)+"</r>"), Limits{MaxBytes: 50})
	require.ErrorIs(t, err, ErrLimit)
}

func TestStream(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		lim     Limits
		wantErr error
	}{
		{name: "ok", in: "<r xmlns='urn:x'>\n<a b='1'/>\n</r>"},
		{name: "doctype", in: "<!DOCTYPE r><r/>", wantErr: ErrDoctype},
		{name: "depth", in: deep(5), lim: Limits{MaxDepth: 4}, wantErr: ErrLimit},
		{name: "elements", in: "<r><a/><a/><a/></r>", lim: Limits{MaxElements: 3}, wantErr: ErrLimit},
		{name: "attributes", in: "<r a='1' b='2'/>", lim: Limits{MaxAttributes: 1}, wantErr: ErrLimit},
		{name: "bytes", in: "<r>" + strings.Repeat("x", 100) + "</r>", lim: Limits{MaxBytes: 20}, wantErr: ErrLimit},
		{name: "syntax", in: "<r></x>", wantErr: ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, reader := range []bool{false, true} {
				var rec recorder
				var err error
				if reader {
					err = StreamReader(strings.NewReader(tc.in), tc.lim, &rec)
				} else {
					err = Stream([]byte(tc.in), tc.lim, &rec)
				}
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, []string{"<{urn:x}r@1", "#\n", "<{urn:x}a@2 b=1", ">", "#\n", ">"}, rec.events)
			}
		})
	}
}

// recorder rebuilds, from Stream's events, the facts the differential test
// compares with Parse's tree.
type recorder struct {
	noLines bool
	events  []string
	text    strings.Builder
}

func (r *recorder) flush() {
	if r.text.Len() > 0 {
		r.events = append(r.events, "#"+r.text.String())
		r.text.Reset()
	}
}

func (r *recorder) StartElement(t xml.StartElement, line int) error {
	r.flush()
	e := fmt.Sprintf("<{%s}%s@%d", t.Name.Space, t.Name.Local, line)
	if r.noLines {
		e = fmt.Sprintf("<{%s}%s", t.Name.Space, t.Name.Local)
	}
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
			continue
		}
		if a.Name.Space != "" {
			e += fmt.Sprintf(" {%s}%s=%s", a.Name.Space, a.Name.Local, a.Value)
		} else {
			e += fmt.Sprintf(" %s=%s", a.Name.Local, a.Value)
		}
	}
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) EndElement() error {
	r.flush()
	r.events = append(r.events, ">")
	return nil
}

func (r *recorder) CharData(s string) error {
	r.text.WriteString(s)
	return nil
}

// Whatever Parse accepts respects the limits and has no DOCTYPE.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`<r a="1"><b/>t</r>`, `<!DOCTYPE r><r/>`, `<r><!--x--><![CDATA[y]]><?p q?></r>`, deep(20), `<r a='>'/>`} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxBytes: 1 << 16, MaxDepth: 10, MaxElements: 100, MaxAttributes: 4}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data, lim)
		if err != nil {
			return
		}
		require.False(t, bytes.Contains(data, []byte("<!DOCTYPE")), "doctype accepted")
		count, maxDepth := 0, 0
		var visit func(e *etreeElement, depth int)
		visit = func(e *etreeElement, depth int) {
			count++
			if depth > maxDepth {
				maxDepth = depth
			}
			for _, c := range e.ChildElements() {
				visit(c, depth+1)
			}
		}
		visit(doc.Root(), 1)
		require.LessOrEqual(t, count, lim.MaxElements)
		require.LessOrEqual(t, maxDepth, lim.MaxDepth)
	})
}
