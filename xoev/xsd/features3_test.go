package xsd

// Lexical-space probes for the built-in types XÖV schemas use; the
// expected verdicts were taken from xmllint (libxml2 2.9.14) and are
// re-checked against it by TestFeaturesXMLLint.
var lexicalProbes = []struct {
	el, val string
	valid   bool
}{
	{"dt", "2024-05-17T10:30:00.123456789+02:00", true},
	{"dt", "2024-05-17T10:30:00z", false},
	{"dt", "2024-05-17 10:30:00", false},
	{"dt", "2024-5-17T10:30:00", false},
	{"dt", "+2024-05-17T10:30:00", false},
	{"dt", "2024-05-17T10:30:00+2:00", false},
	{"dt", "2024-05-17T10:30", false},
	{"d", "2024-05-17+14:00", true},
	{"d", "2024-05-17-14:01", false},
	{"d", "2024-00-10", false},
	{"d", "2024-02-29-00:00", true},
	{"dbl", "1e400", true},
	{"dbl", "-0", true},
	{"dbl", ".5E-3", true},
	{"dbl", "1.", true},
	{"dbl", "INF", true},
	{"dbl", "-inf", false},
	{"dbl", "1_000", false},
	{"dec", "0001.1000", true},
	{"dec", "-0", true},
	{"dec", "1e3", false},
	{"dec", "", false},
	{"pi", "0001", true},
	{"pi", "-1", false},
	{"pi", "+0", false},
	{"ui", "4294967296", false},
	{"ui", "0x10", false},
	{"b", "TRUE", false},
	{"b", "01", false},
	{"u", "urn:xoev-de:xbau:codeliste:xbau-nachrichten", true},
	{"u", "http://example.org/a b", true},
	{"u", "http://exa mple.org/%20", true},
	{"u", "#frag", true},
	{"u", "a#b#c", false},
	{"u", "http://host:port/", false},
	{"u", "?query", true},
	{"u", "//host/path", true},
	{"u", "mailto:bauamt@example.org", true},
	{"nc", "a:b", false},
	{"nc", "_a", true},
	{"nc", "1a", false},
	{"nc", "a-b.c", true},
	{"gy", "2024Z", true},
	{"gy", "2024-01:00", true},
	{"gy", "20240", true},
	{"gy", "-2024", true},
	{"tm", "00:00:00", true},
	{"tm", "23:59:60", false},
	{"tm", "12:00:00.", false},
	{"i", "00", true},
	{"i", "+-1", false},
	{"i", "1.0", false},
}

func init() {
	c := featureCase{name: "builtin-lexical", schema: `<xs:element name="r"><xs:complexType><xs:choice>
		<xs:element name="dt" type="xs:dateTime"/><xs:element name="d" type="xs:date"/><xs:element name="dbl" type="xs:double"/>
		<xs:element name="dec" type="xs:decimal"/><xs:element name="pi" type="xs:positiveInteger"/><xs:element name="ui" type="xs:unsignedInt"/>
		<xs:element name="b" type="xs:boolean"/><xs:element name="u" type="xs:anyURI"/><xs:element name="nc" type="xs:NCName"/>
		<xs:element name="gy" type="xs:gYear"/><xs:element name="tm" type="xs:time"/><xs:element name="i" type="xs:integer"/>
		</xs:choice></xs:complexType></xs:element>`}
	for _, p := range lexicalProbes {
		c.docs = append(c.docs, featureDoc{wrap(`<t:` + p.el + `>` + p.val + `</t:` + p.el + `>`), p.valid})
	}
	featureCases = append(featureCases, c)
}
