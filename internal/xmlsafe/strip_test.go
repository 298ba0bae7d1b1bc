package xmlsafe

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStripElements(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		wantErr        error
	}{
		{name: "removes with content", in: "<s><a>x<b/>y</a><e/></s>", want: "<s><e/></s>"},
		{name: "keeps line breaks", in: "<s>\n<a>\nx\n</a>\n<e/></s>", want: "<s>\n\n\n\n<e/></s>"},
		{name: "self-closing", in: "<s><a/><e/></s>", want: "<s><e/></s>"},
		{name: "nested same name", in: "<s><a><a>x</a>y</a><e/></s>", want: "<s><e/></s>"},
		{name: "other prefix kept", in: "<s><p:a/><a/></s>", want: "<s><p:a/></s>"},
		{name: "prefix match only", in: "<s><ab/><a x='1'>t</a></s>", want: "<s><ab/></s>"},
		{name: "fake tag in comment", in: "<s><!-- <a> --><e/><a>x</a></s>", want: "<s><!-- <a> --><e/></s>"},
		{name: "fake tag in CDATA", in: "<s><![CDATA[<a>]]><e/></s>", want: "<s><![CDATA[<a>]]><e/></s>"},
		{name: "fake tag in attribute", in: `<s v="<a>"><e/></s>`, want: `<s v="<a>"><e/></s>`},
		{name: "gt in attribute of removed", in: `<s><a v=">"><e/></a><f/></s>`, want: "<s><f/></s>"},
		{name: "nothing to strip", in: "<s><e/></s>", want: "<s><e/></s>"},
		{name: "doctype inside removed", in: "<s><a><!DOCTYPE x></a></s>", wantErr: ErrDoctype},
		{name: "limits apply to removed", in: "<s><a>" + deep(300) + "</a></s>", wantErr: ErrLimit},
		{name: "unclosed", in: "<s><a>x", wantErr: ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := StripElements([]byte(tc.in), Limits{}, "a")
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
			assert.Equal(t, strings.Count(tc.in, "\n"), strings.Count(string(got), "\n"))
		})
	}
}

func FuzzStripElements(f *testing.F) {
	for _, s := range []string{"<s><a>x</a><e/></s>", "<s><!--<a>--><a v='>'><a/></a></s>", "<s>\n<a>\n</a></s>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data, Limits{})
		if err != nil {
			return
		}
		out, err := StripElements(data, Limits{}, "a")
		require.NoError(t, err, "a well-formed document must strip cleanly")
		require.Equal(t, strings.Count(string(data), "\n"), strings.Count(string(out), "\n"))
		if doc.Root().Tag != "a" || doc.Root().Space != "" {
			_, err = Parse(out, Limits{})
			require.NoError(t, err, "stripping must keep the document well-formed")
		}
	})
}
