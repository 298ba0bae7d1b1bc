package xoev

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// layout gives the namespace of each header part for one form.
type layout struct {
	kopf, ident, beh, kom string
}

func layoutOf(f HeaderForm) layout {
	if f == FormQualified {
		return layout{kopf: NamespaceG2G, ident: NamespaceG2G, beh: NamespaceBehoerde, kom: NamespaceKommunikation}
	}
	return layout{}
}

// decoder turns the header subtree into a Nachrichtenkopf and collects
// structural errors and warnings with their locations (at most
// Config.MaxFindings; see findings).
type decoder struct {
	findings
}

func (d *decoder) fail(path, format string, args ...any) {
	if d.full() {
		return
	}
	d.add(newErr(ErrHeader, path, format, args...))
}

// headerOf finds the header element: the first element child of root.
func headerOf(root *etree.Element) (*etree.Element, HeaderForm, error) {
	var first *etree.Element
	for _, t := range root.Child {
		if e, ok := t.(*etree.Element); ok {
			first = e
			break
		}
	}
	rp := "/" + root.FullTag()
	if first == nil {
		return nil, FormUnknown, newErr(ErrNotXOEV, rp, "root element has no header child")
	}
	ns := first.NamespaceURI()
	switch {
	case first.Tag == tagKopfG2G && ns == "":
		return first, FormUnqualified, nil
	case first.Tag == tagKopfG2G && ns == NamespaceG2G:
		return first, FormQualified, nil
	case first.Tag == tagKopfXInneres4 && ns == "":
		return first, FormXInneres4, nil
	case first.Tag == tagKopfXdomea && ns == NamespaceXdomea300 && root.NamespaceURI() == ns:
		return first, FormXdomea3, nil
	}
	return nil, FormUnknown, newErr(ErrNotXOEV, rp+"/"+first.FullTag(),
		"first child of the root is not nachrichtenkopf.g2g (qualified or unqualified), the XInneres-4 nachrichtenkopf or the xdomea 3.0.0 Kopf")
}

// decodeKopf reads root attributes and the header element.
func (d *decoder) decodeKopf(root, hdr *etree.Element, form HeaderForm) Nachrichtenkopf {
	if form == FormXdomea3 {
		return d.decodeKopfXdomea(root, hdr)
	}
	k := Nachrichtenkopf{Form: form}
	rp := "/" + root.FullTag()
	seen := map[string]bool{}
	for _, a := range root.Attr {
		if a.Space != "" {
			continue
		}
		seen[a.Key] = true
		switch a.Key {
		case "produkt":
			k.Produkt = a.Value
		case "produkthersteller":
			k.Produkthersteller = a.Value
		case "produktversion":
			k.Produktversion, k.produktversionSet = a.Value, true
		case "standard":
			k.Standard = a.Value
		case "version":
			k.Version = a.Value
		case "test":
			v := a.Value
			k.Test = &v
		}
	}
	for _, name := range []string{"produkt", "produkthersteller", "standard", "version"} {
		if !seen[name] {
			d.fail(rp+"/@"+name, "missing required attribute")
		}
	}
	l := layoutOf(form)
	hp := rp + "/" + hdr.Tag
	c := hdr.ChildElements()
	if e := d.expect(c, 0, "identifikation.nachricht", l.ident, hp); e != nil {
		k.IdentifikationNachricht = d.decodeIdent(e, l, hp+"/identifikation.nachricht")
	}
	if e := d.expect(c, 1, "leser", l.ident, hp); e != nil {
		k.Leser = d.decodeBehoerde(e, form, l, hp+"/leser")
	}
	if e := d.expect(c, 2, "autor", l.ident, hp); e != nil {
		k.Autor = d.decodeBehoerde(e, form, l, hp+"/autor")
	}
	for i := 3; i < len(c) && !d.full(); i++ {
		e := c[i]
		if len(k.Extensions) == d.limit() {
			// Profiles declare a handful of extensions; more than the
			// findings cap cannot make a valid header and would only cost
			// memory.
			d.stop(newErr(ErrLimit, hp, "more than %d header extensions after autor", d.limit()))
			break
		}
		ep := hp + "/" + e.FullTag()
		if form != FormUnqualified || e.NamespaceURI() != "" {
			d.fail(ep, "unexpected element after autor")
			continue
		}
		v, ok := d.leaf(e, ep)
		if ok {
			k.Extensions = append(k.Extensions, Extension{Name: e.Tag, Value: v})
		}
	}
	return k
}

// expect returns c[i] if it has the given local name and namespace.
func (d *decoder) expect(c []*etree.Element, i int, local, ns, parent string) *etree.Element {
	if i >= len(c) {
		d.fail(parent, "missing element %s", local)
		return nil
	}
	e := c[i]
	if e.Tag != local || e.NamespaceURI() != ns {
		d.fail(parent+"/"+e.FullTag(), "expected element %s%s", nsLabel(ns), local)
		return nil
	}
	return e
}

func nsLabel(ns string) string {
	if ns == "" {
		return ""
	}
	return "{" + ns + "}"
}

// leaf returns the character data of a simple-content element; child
// elements are an error. Text split by comments is joined, which is what
// the XML infoset (and exclusive C14N without comments) sees.
func (d *decoder) leaf(e *etree.Element, path string) (string, bool) {
	switch len(e.Child) {
	case 0:
		return "", true
	case 1:
		if cd, ok := e.Child[0].(*etree.CharData); ok {
			return cd.Data, true
		}
	}
	var sb strings.Builder
	for _, t := range e.Child {
		switch v := t.(type) {
		case *etree.CharData:
			sb.WriteString(v.Data)
		case *etree.Element:
			d.fail(path+"/"+v.FullTag(), "unexpected child element in a simple value")
			return "", false
		}
	}
	return sb.String(), true
}

func (d *decoder) decodeIdent(e *etree.Element, l layout, p string) IdentifikationNachricht {
	var id IdentifikationNachricht
	c := e.ChildElements()
	if x := d.expect(c, 0, "nachrichtenUUID", l.ident, p); x != nil {
		id.NachrichtenUUID, _ = d.leaf(x, p+"/nachrichtenUUID")
	}
	if x := d.expect(c, 1, "nachrichtentyp", l.ident, p); x != nil {
		id.Nachrichtentyp = d.decodeCode(x, p+"/nachrichtentyp")
	}
	if x := d.expect(c, 2, "erstellungszeitpunkt", l.ident, p); x != nil {
		d.erstellungszeitpunkt(x, p+"/erstellungszeitpunkt", &id, true)
	}
	if len(c) > 3 {
		d.fail(p+"/"+c[3].FullTag(), "unexpected element")
	}
	return id
}

// erstellungszeitpunkt reads an xs:dateTime into id. strict: the XÖV
// header prose requires a zone and milliseconds (warnings otherwise).
func (d *decoder) erstellungszeitpunkt(x *etree.Element, ep string, id *IdentifikationNachricht, strict bool) {
	s, ok := d.leaf(x, ep)
	if !ok {
		return
	}
	s = strings.TrimSpace(s) // xs:dateTime collapses whitespace
	t, info, ok := parseDateTime(s)
	if !ok {
		d.fail(ep, "not an xs:dateTime")
		return
	}
	id.Erstellungszeitpunkt, id.lexical = t, s
	if !strict {
		return
	}
	if !info.hasZone {
		d.warn(Warning{Path: ep, Message: "no time zone (the header spec requires one; read as UTC)"})
	}
	if !info.hasMillis {
		d.warn(Warning{Path: ep, Message: "no millisecond precision (the header spec requires it)"})
	}
}

func (d *decoder) decodeBehoerde(e *etree.Element, form HeaderForm, l layout, p string) Behoerde {
	if form == FormXInneres4 {
		return d.decodeBehoerdeXInneres4(e, p)
	}
	var b Behoerde
	c := e.ChildElements()
	i := 0
	if x := d.expect(c, i, "verzeichnisdienst", l.beh, p); x != nil {
		b.Verzeichnisdienst = d.decodeCode(x, p+"/verzeichnisdienst")
	}
	i++
	if x := d.expect(c, i, "kennung", l.beh, p); x != nil {
		b.Kennung, _ = d.leaf(x, p+"/kennung")
	}
	i++
	if x := d.expect(c, i, "name", l.beh, p); x != nil {
		b.Name, _ = d.leaf(x, p+"/name")
	}
	i++
	for ; i < len(c) && !d.full(); i++ {
		x := c[i]
		if x.Tag != "erreichbarkeit" || x.NamespaceURI() != l.kom {
			d.fail(p+"/"+x.FullTag(), "unexpected element")
			continue
		}
		ep := fmt.Sprintf("%s/erreichbarkeit[%d]", p, len(b.Erreichbarkeit)+1)
		b.Erreichbarkeit = append(b.Erreichbarkeit, d.decodeKommunikation(x, l.kom, ep))
	}
	return b
}

func (d *decoder) decodeKommunikation(e *etree.Element, ns, p string) Kommunikation {
	var k Kommunikation
	c := e.ChildElements()
	if x := d.expect(c, 0, "kanal", ns, p); x != nil {
		k.Kanal = d.decodeCode(x, p+"/kanal")
	}
	if x := d.expect(c, 1, "kennung", ns, p); x != nil {
		k.Kennung, _ = d.leaf(x, p+"/kennung")
	}
	if len(c) > 2 {
		if c[2].Tag == "zusatz" && c[2].NamespaceURI() == ns {
			k.Zusatz, _ = d.leaf(c[2], p+"/zusatz")
		} else {
			d.fail(p+"/"+c[2].FullTag(), "unexpected element")
		}
	}
	if len(c) > 3 {
		d.fail(p+"/"+c[3].FullTag(), "unexpected element")
	}
	return k
}

// decodeBehoerdeXInneres4 reads Behoerde/Behoerde.Erreichbar of
// http://www.osci.de/xinneres/behoerde/4 (elements unqualified):
// behoerdenkennung (praefix, kennung), erreichbarkeit*, anschrift?,
// behoerdenname. The anschrift stays in the document only.
func (d *decoder) decodeBehoerdeXInneres4(e *etree.Element, p string) Behoerde {
	var b Behoerde
	c := e.ChildElements()
	i := 0
	if x := d.expect(c, i, "behoerdenkennung", "", p); x != nil {
		kp := p + "/behoerdenkennung"
		kc := x.ChildElements()
		bk := &Behoerdenkennung{}
		if y := d.expect(kc, 0, "praefix", "", kp); y != nil {
			bk.Praefix = d.decodeCode(y, kp+"/praefix")
		}
		if y := d.expect(kc, 1, "kennung", "", kp); y != nil {
			bk.Kennung = d.decodeCode(y, kp+"/kennung")
		}
		b.Behoerdenkennung = bk
		b.Kennung = bk.Praefix.Code + ":" + bk.Kennung.Code
	}
	i++
	for ; i < len(c) && c[i].Tag == "erreichbarkeit" && c[i].Space == "" && !d.full(); i++ {
		ep := fmt.Sprintf("%s/erreichbarkeit[%d]", p, len(b.Erreichbarkeit)+1)
		b.Erreichbarkeit = append(b.Erreichbarkeit, d.decodeKommunikation(c[i], "", ep))
	}
	if i < len(c) && c[i].Tag == "anschrift" && c[i].Space == "" {
		i++
	}
	if x := d.expect(c, i, "behoerdenname", "", p); x != nil {
		b.Name, _ = d.leaf(x, p+"/behoerdenname")
	}
	if i+1 < len(c) {
		d.fail(p+"/"+c[i+1].FullTag(), "unexpected element")
	}
	return b
}

// decodeCode reads an xoev-code:Code: attributes listURI, listVersionID;
// unqualified children code (xs:token) and optional name.
func (d *decoder) decodeCode(e *etree.Element, p string) Code {
	var c Code
	for _, a := range e.Attr {
		switch {
		case a.Space == "" && a.Key == "listURI":
			c.ListURI, c.listURISet = a.Value, true
		case a.Space == "" && a.Key == "listVersionID":
			c.ListVersionID, c.listVersionIDSet = a.Value, true
		case a.Space == "" && a.Key != "xmlns":
			d.fail(p+"/@"+a.Key, "unexpected attribute")
		}
	}
	ch := e.ChildElements()
	if x := d.expect(ch, 0, "code", "", p); x != nil {
		s, _ := d.leaf(x, p+"/code")
		c.Code = collapse(s)
	}
	if len(ch) > 1 {
		if ch[1].Tag == "name" && ch[1].NamespaceURI() == "" {
			s, _ := d.leaf(ch[1], p+"/name")
			c.Name = s
		} else {
			d.fail(p+"/"+ch[1].FullTag(), "unexpected element")
		}
	}
	if len(ch) > 2 {
		d.fail(p+"/"+ch[2].FullTag(), "unexpected element")
	}
	return c
}

// collapse applies xs:token whitespace collapsing.
func collapse(s string) string {
	if !strings.ContainsAny(s, " \t\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
