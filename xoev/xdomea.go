package xoev

import "github.com/beevik/etree"

// The Kopf of xdomea 3.0.0 (xdomea-Baukasten.xsd, NkBasisType and the
// Nk…Type extensions of the message schemas), read into the common
// Nachrichtenkopf model (see FormXdomea3).

// decodeKopfXdomea reads ProzessID, Nachrichtentyp, Erstellungszeitpunkt,
// Absender, Empfaenger and SendendesSystem; the further elements of the
// Kopf (Hinweis, acknowledgement requests, application extensions) stay in
// the document.
func (d *decoder) decodeKopfXdomea(root, hdr *etree.Element) Nachrichtenkopf {
	const ns = NamespaceXdomea300
	k := Nachrichtenkopf{Form: FormXdomea3, Standard: "xdomea", Version: "3.0.0"}
	hp := "/" + root.FullTag() + "/" + hdr.FullTag()
	c := hdr.ChildElements()
	id := &k.IdentifikationNachricht
	if e := d.expect(c, 0, "ProzessID", ns, hp); e != nil {
		id.NachrichtenUUID, _ = d.leaf(e, hp+"/ProzessID")
	}
	if e := d.expect(c, 1, "Nachrichtentyp", ns, hp); e != nil {
		id.Nachrichtentyp = d.decodeCode(e, hp+"/Nachrichtentyp")
	}
	if e := d.expect(c, 2, "Erstellungszeitpunkt", ns, hp); e != nil {
		// xs:dateTime; xdomea does not require a zone or milliseconds.
		d.erstellungszeitpunkt(e, hp+"/Erstellungszeitpunkt", id, false)
	}
	if e := d.expect(c, 3, "Absender", ns, hp); e != nil {
		k.Autor = d.decodeKontaktXdomea(e, hp+"/Absender")
	}
	if e := d.expect(c, 4, "Empfaenger", ns, hp); e != nil {
		k.Leser = d.decodeKontaktXdomea(e, hp+"/Empfaenger")
	}
	for _, e := range c[min(5, len(c)):] {
		if e.Tag != "SendendesSystem" || e.NamespaceURI() != ns {
			continue
		}
		sp := hp + "/SendendesSystem"
		if x := childNS(e, "Produktname", ns); x != nil {
			k.Produkt, _ = d.leaf(x, sp+"/Produktname")
		}
		if x := childNS(e, "Version", ns); x != nil {
			k.Produktversion, _ = d.leaf(x, sp+"/Version")
			k.produktversionSet = true
		}
	}
	return k
}

// decodeKontaktXdomea reads a KontaktType: the Behoerdenkennung
// (Behoerdenschluessel, Praefix; Kennung becomes "praefix:schluessel")
// and the name of the Institution, else of the Organisationseinheit.
func (d *decoder) decodeKontaktXdomea(e *etree.Element, p string) Behoerde {
	const ns = NamespaceXdomea300
	var b Behoerde
	if x := childNS(e, "Behoerdenkennung", ns); x != nil {
		kp := p + "/Behoerdenkennung"
		bk := &Behoerdenkennung{}
		if y := childNS(x, "Behoerdenschluessel", ns); y != nil {
			bk.Kennung = d.decodeCode(y, kp+"/Behoerdenschluessel")
		}
		if y := childNS(x, "Praefix", ns); y != nil {
			bk.Praefix = d.decodeCode(y, kp+"/Praefix")
		}
		b.Behoerdenkennung = bk
		b.Kennung = bk.Kennung.Code
		if bk.Praefix.Code != "" {
			b.Kennung = bk.Praefix.Code + ":" + bk.Kennung.Code
		}
	}
	for _, part := range []string{"Institution", "Organisationseinheit"} {
		if x := childNS(e, part, ns); x != nil && b.Name == "" {
			if n := childNS(x, "Name", ns); n != nil {
				b.Name, _ = d.leaf(n, p+"/"+part+"/Name")
			}
		}
	}
	return b
}

// childNS returns the first child element with the given local name and
// namespace.
func childNS(e *etree.Element, local, ns string) *etree.Element {
	for _, c := range e.ChildElements() {
		if c.Tag == local && c.NamespaceURI() == ns {
			return c
		}
	}
	return nil
}
