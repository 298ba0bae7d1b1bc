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
	require.ErrorIs(t, err, ErrInvalidConfig)
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

func TestStreamTrustedDoctype(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 4000)
	manyRefs := "<!DOCTYPE r [<!ENTITY b '" + big + "'>]><r>" + strings.Repeat("&b;", 300) + "</r>"
	tooMany := "<!DOCTYPE r ["
	for i := range 65 {
		tooMany += fmt.Sprintf("<!ENTITY e%d 'v'>", i)
	}
	tooMany += "]><r/>"
	tests := []struct {
		name, doc string
		want      []string // events on success
		err       error
	}{
		{"w3c form", `<?xml version="1.0"?>
<!DOCTYPE r PUBLIC "-//W3C//DTD XMLSchema 200102//EN" "http://www.w3.org/2001/XMLSchema.dtd" [
  <!ATTLIST r xmlns:ds CDATA #FIXED "urn:ds">
  <!ENTITY dsig 'urn:ds'>
  <!ENTITY % p ''>
  <!ENTITY % s ''>
]>
<r a="&dsig;#x">&dsig; &amp; &#65;</r>`, []string{"<{}r@8 a=urn:ds#x", "#urn:ds & A", ">"}, nil},
		{"system id only", `<!DOCTYPE r SYSTEM "r.dtd"><r/>`, []string{"<{}r@1", ">"}, nil},
		{"first declaration binds", `<!DOCTYPE r [<!ENTITY e 'one'><!ENTITY e 'two'>]><r>&e;</r>`, []string{"<{}r@1", "#one", ">"}, nil},
		{"comment and pi in subset", `<!DOCTYPE r [<!-- c --><?p x?><!ELEMENT r ANY>]><r/>`, []string{"<{}r@1", ">"}, nil},
		{"external entity", `<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>`, nil, ErrSyntax},
		{"public external entity", `<!DOCTYPE r [<!ENTITY e PUBLIC "p" "http://x/">]><r/>`, nil, ErrSyntax},
		{"parameter entity reference", `<!DOCTYPE r [<!ENTITY % p '<!ENTITY e "x">'> %p;]><r/>`, nil, ErrSyntax},
		{"parameter entity reference in a declaration", `<!DOCTYPE r [<!ATTLIST r a CDATA %p;>]><r/>`, nil, ErrSyntax},
		{"nested reference", `<!DOCTYPE r [<!ENTITY a 'x'><!ENTITY b '&a;&a;'>]><r>&b;</r>`, nil, ErrSyntax},
		{"markup in value", `<!DOCTYPE r [<!ENTITY a '<x/>'>]><r>&a;</r>`, nil, ErrSyntax},
		{"undeclared entity", `<!DOCTYPE r [<!ENTITY a 'x'>]><r>&b;</r>`, nil, ErrSyntax},
		{"parameter entity is not a general one", `<!DOCTYPE r [<!ENTITY % a 'x'>]><r>&a;</r>`, nil, ErrSyntax},
		{"value too large", "<!DOCTYPE r [<!ENTITY a '" + strings.Repeat("x", 5000) + "'>]><r/>", nil, ErrLimit},
		{"too many entities", tooMany, nil, ErrLimit},
		{"expansion bounded", manyRefs, nil, ErrLimit},
		{"two doctypes", `<!DOCTYPE r><!DOCTYPE r><r/>`, nil, ErrDoctype},
		{"doctype after root", `<r/><!DOCTYPE r>`, nil, ErrDoctype},
		{"doctype inside root", `<r><!DOCTYPE r></r>`, nil, ErrDoctype},
		{"unterminated subset", `<!DOCTYPE r [<!ENTITY a 'x'>`, nil, ErrSyntax},
		{"two external ids", `<!DOCTYPE r PUBLIC "p" "r.dtd" SYSTEM "s.dtd"><r/>`, nil, ErrSyntax},
		{"public id without system literal", `<!DOCTYPE r PUBLIC "p"><r/>`, nil, ErrSyntax},
		{"no space before the literal", `<!DOCTYPE r SYSTEM"r.dtd"><r/>`, nil, ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			err := StreamTrusted([]byte(tc.doc), Limits{}, &rec)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.want, rec.events)
			}
			// Untrusted input never gets a DOCTYPE through.
			require.ErrorIs(t, Stream([]byte(tc.doc), Limits{}, &recorder{}), ErrDoctype)
			_, perr := Parse([]byte(tc.doc), Limits{})
			if strings.Contains(tc.doc, "<!DOCTYPE") && !strings.HasPrefix(tc.doc, "<r/>") {
				require.ErrorIs(t, perr, ErrDoctype)
			}
		})
	}
}

// FuzzStreamTrusted: the DOCTYPE reader of trusted documents never panics,
// keeps expansion bounded, and whatever it accepts without a DOCTYPE is
// exactly what Stream accepts.
func FuzzStreamTrusted(f *testing.F) {
	f.Add([]byte(`<!DOCTYPE r [<!ENTITY e 'x'><!ENTITY % p ''>]><r a="&e;">&e;</r>`))
	f.Add([]byte(`<!DOCTYPE r PUBLIC "p" "s" [<!ATTLIST r a CDATA "x"><!-- c -->]><r/>`))
	f.Add([]byte(`<!DOCTYPE r [<!ENTITY e SYSTEM "x">]><r/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxBytes: 1 << 16, MaxElements: 1 << 12}
		var rec recorder
		err := StreamTrusted(data, lim, &rec)
		if err == nil {
			n := 0
			for _, e := range rec.events {
				n += len(e)
			}
			if n > len(data)+maxExpansion+64*len(rec.events) {
				t.Fatalf("expansion unbounded: %d bytes of events from %d bytes", n, len(data))
			}
		}
		if !strings.Contains(string(data), "<!DOCTYPE") {
			streamErr := Stream(data, lim, &recorder{})
			if (err == nil) != (streamErr == nil) {
				t.Fatalf("StreamTrusted %v, Stream %v on %q", err, streamErr, data)
			}
		}
	})
}
