package xsd

// More feature cases, appended to featureCases by init so that both
// TestFeatures and TestFeaturesXMLLint cover them.

func init() {
	featureCases = append(featureCases, []featureCase{
		{"complex-restriction-choice", `<xs:complexType name="B"><xs:choice maxOccurs="unbounded"><xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:int"/></xs:choice><xs:attribute name="x" type="xs:string"/><xs:attribute name="y" type="xs:string"/></xs:complexType>
			<xs:complexType name="R"><xs:complexContent><xs:restriction base="t:B"><xs:choice maxOccurs="2"><xs:element name="b" type="xs:int"/></xs:choice><xs:attribute name="x" use="prohibited"/><xs:attribute name="y" type="xs:string" use="required"/></xs:restriction></xs:complexContent></xs:complexType>
			<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="e" type="t:R" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>`,
			[]featureDoc{
				{wrap(`<t:e y="1"><t:b>1</t:b><t:b>2</t:b></t:e>`), true},
				{wrap(`<t:e y="1"><t:a>1</t:a></t:e>`), false},
				{wrap(`<t:e y="1"><t:b>1</t:b><t:b>2</t:b><t:b>3</t:b></t:e>`), false},
				{wrap(`<t:e y="1" x="2"><t:b>1</t:b></t:e>`), false},
				{wrap(`<t:e><t:b>1</t:b></t:e>`), false},
			}},
		{"all-optional-group", `<xs:element name="r"><xs:complexType><xs:all minOccurs="0"><xs:element name="a"/><xs:element name="b"/></xs:all></xs:complexType></xs:element>`,
			[]featureDoc{
				{wrap(``), true},
				{wrap(`<t:b/><t:a/>`), true},
				{wrap(`<t:a/>`), false},
				{wrap(`<t:a/><t:b/><t:c/>`), false},
			}},
		{"subst-block-and-types", `<xs:complexType name="HT"><xs:sequence><xs:element name="v" type="xs:string"/></xs:sequence></xs:complexType>
			<xs:complexType name="MT"><xs:complexContent><xs:extension base="t:HT"><xs:sequence><xs:element name="w" type="xs:string"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>
			<xs:element name="h" type="t:HT"/>
			<xs:element name="m" type="t:MT" substitutionGroup="t:h"/>
			<xs:element name="hb" type="t:HT" block="substitution"/>
			<xs:element name="mb" type="t:HT" substitutionGroup="t:hb"/>
			<xs:element name="r"><xs:complexType><xs:sequence><xs:element ref="t:h" minOccurs="0" maxOccurs="unbounded"/><xs:element ref="t:hb" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`,
			[]featureDoc{
				{wrap(`<t:h><t:v/></t:h><t:m><t:v/><t:w/></t:m><t:hb><t:v/></t:hb>`), true},
				{wrap(`<t:h xsi:type="t:MT"><t:v/><t:w/></t:h>`), true},
				{wrap(`<t:m><t:v/></t:m>`), false},
				{wrap(`<t:mb><t:v/></t:mb>`), false},
				{wrap(`<t:h xsi:type="xs:string">x</t:h>`), false},
				{wrap(`<t:h><t:v/><t:w/></t:h>`), false},
			}},
		{"simple-xsi-type-union-list", `<xs:simpleType name="Codes"><xs:list><xs:simpleType><xs:restriction base="xs:token"><xs:enumeration value="a"/><xs:enumeration value="b"/></xs:restriction></xs:simpleType></xs:list></xs:simpleType>
			<xs:simpleType name="U"><xs:union memberTypes="t:Codes xs:decimal"/></xs:simpleType>
			<xs:simpleType name="U2"><xs:restriction base="t:U"><xs:enumeration value="a b"/><xs:enumeration value="1.0"/></xs:restriction></xs:simpleType>
			<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="s" type="xs:string" minOccurs="0"/><xs:element name="u" type="t:U2" minOccurs="0" maxOccurs="3"/><xs:element name="l" type="t:Codes" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`,
			[]featureDoc{
				{wrap(`<t:s xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:token"> x </t:s><t:u>a  b</t:u><t:u>1</t:u><t:l>a b a</t:l>`), true},
				{wrap(`<t:s xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:int">x</t:s>`), false},
				{wrap(`<t:s xsi:type="xs:token">x</t:s>`), false}, // prefix xs not declared in the instance
				{wrap(`<t:u>b a</t:u>`), false},
				{wrap(`<t:u>2</t:u>`), false},
				{wrap(`<t:l>a c</t:l>`), false},
				{wrap(`<t:s xsi:type="t:Codes">a</t:s>`), false}, // a list is not derived from xs:string
			}},
		{"lax-wildcard-known", `<xs:element name="g" type="xs:int"/>
			<xs:element name="r"><xs:complexType><xs:sequence><xs:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence><xs:anyAttribute namespace="##other" processContents="lax"/></xs:complexType></xs:element>`,
			[]featureDoc{
				{wrap(`<t:g>1</t:g><t:unknown><t:g>2</t:g></t:unknown><o:x xmlns:o="urn:o"/>`), true},
				{wrap(`<t:unknown><t:g>x</t:g></t:unknown>`), false}, // lax: known descendants are validated
				{`<t:r xmlns:t="urn:t" xmlns:o="urn:o" o:a="1"/>`, true},
				{wrap(`<t:g>x</t:g>`), false},
				{`<t:r xmlns:t="urn:t" a="1"/>`, false},
				{`<t:r xmlns:t="urn:t" t:a="1"/>`, false},
			}},
		{"mixed-extension-defaults", `<xs:complexType name="M" mixed="true"><xs:sequence><xs:element name="i" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
			<xs:complexType name="M2" mixed="true"><xs:complexContent><xs:extension base="t:M"><xs:sequence><xs:element name="j" minOccurs="0"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>
			<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="m" type="t:M2"/><xs:element name="d" type="xs:int" default="5" minOccurs="0"/><xs:element name="tok" minOccurs="0"><xs:simpleType><xs:restriction base="xs:token"><xs:maxLength value="3"/></xs:restriction></xs:simpleType></xs:element></xs:sequence></xs:complexType></xs:element>`,
			[]featureDoc{
				{wrap(`<t:m>a<t:i/>b<t:j/>c</t:m><t:d/><t:tok>  abc  </t:tok>`), true},
				{wrap(`<t:m><t:j/><t:i/></t:m>`), false},
				{wrap(`<t:m/><t:d>x</t:d>`), false},
				{wrap(`<t:m/><t:tok>abcd</t:tok>`), false},
				{wrap(`<t:m/><t:d><t:x/></t:d>`), false},
			}},
		{"attribute-normalization", `<xs:element name="r"><xs:complexType><xs:attribute name="p"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[^\n]+"/></xs:restriction></xs:simpleType></xs:attribute></xs:complexType></xs:element>`,
			[]featureDoc{
				{"<t:r xmlns:t=\"urn:t\" p=\"a\nb\"/>", true},
				{"<t:r xmlns:t=\"urn:t\" p=\"\"/>", false},
			}},
		{"subst-derivation-blocked", `<xs:complexType name="HT" block="extension"><xs:sequence><xs:element name="v" minOccurs="0"/></xs:sequence></xs:complexType>
			<xs:complexType name="MT"><xs:complexContent><xs:extension base="t:HT"/></xs:complexContent></xs:complexType>
			<xs:element name="h" type="t:HT"/>
			<xs:element name="m" type="t:MT" substitutionGroup="t:h"/>
			<xs:element name="n" type="t:HT" substitutionGroup="t:h"/>
			<xs:element name="r"><xs:complexType><xs:sequence><xs:element ref="t:h" maxOccurs="unbounded"/><xs:element name="ent" type="xs:ENTITY" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`,
			[]featureDoc{
				{wrap(`<t:h/><t:n/>`), true},
				{wrap(`<t:m/>`), false},
				{wrap(`<t:h/><t:ent>x</t:ent>`), false},
			}},
		{"element-wildcard-overlap", `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" minOccurs="0"/><xs:any namespace="##targetNamespace" processContents="skip"/></xs:sequence></xs:complexType></xs:element>`,
			[]featureDoc{
				{wrap(`<t:a/>`), false}, // libxml2: the element particle wins, no backtracking
				{wrap(`<t:a/><t:a/>`), true},
				{wrap(`<t:b/>`), true},
				{wrap(``), false},
				{wrap(`<t:a/><t:a/><t:a/>`), false},
			}},
		{"attribute-wildcard-union", `<xs:complexType name="B"><xs:anyAttribute namespace="urn:a" processContents="skip"/></xs:complexType>
			<xs:complexType name="E"><xs:complexContent><xs:extension base="t:B"><xs:anyAttribute namespace="urn:b" processContents="skip"/></xs:extension></xs:complexContent></xs:complexType>
			<xs:element name="r" type="t:E"/>`,
			[]featureDoc{
				{`<t:r xmlns:t="urn:t" xmlns:a="urn:a" xmlns:b="urn:b" a:x="1" b:y="2"/>`, true},
				{`<t:r xmlns:t="urn:t" xmlns:c="urn:c" c:x="1"/>`, false},
				{`<t:r xmlns:t="urn:t" x="1"/>`, false},
			}},
		{"dates-and-numbers", `<xs:element name="r"><xs:complexType><xs:sequence>
			<xs:element name="t" type="xs:time" minOccurs="0" maxOccurs="5"/><xs:element name="y" type="xs:gYear" minOccurs="0" maxOccurs="5"/>
			<xs:element name="md" type="xs:gMonthDay" minOccurs="0"/><xs:element name="dec" type="xs:decimal" minOccurs="0" maxOccurs="5"/>
			<xs:element name="ul" type="xs:unsignedLong" minOccurs="0"/><xs:element name="bool" type="xs:boolean" minOccurs="0"/>
			</xs:sequence></xs:complexType></xs:element>`,
			[]featureDoc{
				{wrap(`<t:t>23:59:59.999-05:00</t:t><t:t>24:00:00</t:t><t:y>-0044</t:y><t:y>12345</t:y><t:md>--02-29</t:md><t:dec>-.5</t:dec><t:dec>+1.</t:dec><t:ul>18446744073709551615</t:ul><t:bool> 1 </t:bool>`), true},
				{wrap(`<t:t>24:00:01</t:t>`), false},
				{wrap(`<t:t>12:60:00</t:t>`), false},
				{wrap(`<t:y>0000</t:y>`), false},
				{wrap(`<t:y>02024</t:y>`), false},
				{wrap(`<t:y>24</t:y>`), false},
				{wrap(`<t:md>--02-30</t:md>`), false},
				{wrap(`<t:dec>.</t:dec>`), false},
				{wrap(`<t:dec>1,5</t:dec>`), false},
				{wrap(`<t:ul>18446744073709551616</t:ul>`), false},
				{wrap(`<t:ul>-1</t:ul>`), false},
				{wrap(`<t:bool>yes</t:bool>`), false},
				{wrap(`<t:t>10:00</t:t>`), false},
			}},
	}...)
}
