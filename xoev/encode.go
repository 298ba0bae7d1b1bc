package xoev

import (
	"github.com/beevik/etree"
)

// Conventional prefixes for the qualified header, used when the document
// does not already bind the namespaces.
const (
	prefixG2G           = "bn-g2g"
	prefixBehoerde      = "bn-beh"
	prefixKommunikation = "bn-kom"
)

// encoder writes a header element in one form. Prefixes are reused from
// declarations in scope at the root, otherwise declared on the header.
type encoder struct {
	form          HeaderForm
	g2g, beh, kom string // prefixes ("" in the unqualified form)
}

// inScopePrefix returns a prefix bound to ns on e or its ancestors.
func inScopePrefix(e *etree.Element, ns string) (string, bool) {
	for ; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if a.Space == "xmlns" && a.Value == ns {
				return a.Key, true
			}
		}
	}
	return "", false
}

// defaultNamespace returns the default namespace in scope at e.
func defaultNamespace(e *etree.Element) string {
	for ; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if a.Space == "" && a.Key == "xmlns" {
				return a.Value
			}
		}
	}
	return ""
}

// encodeKopf builds the header element for k under root and sets the root
// attributes. It does not insert the element. Prefixes for the qualified
// form are looked up from scope (the header being replaced, or the root)
// upwards, so a re-encoded header keeps the document's prefixes.
func encodeKopf(k *Nachrichtenkopf, root, scope *etree.Element) (*etree.Element, error) {
	switch k.Form {
	case FormUnqualified, FormQualified:
	default:
		return nil, newErr(ErrBuild, "/"+root.FullTag(), "cannot write a header in form %s", k.Form)
	}
	setRootAttrs(k, root)
	hdr := etree.NewElement(tagKopfG2G)
	enc := encoder{form: k.Form}
	if k.Form == FormQualified {
		var decl []etree.Attr
		for _, b := range []struct {
			ns, def string
			dst     *string
		}{{NamespaceG2G, prefixG2G, &enc.g2g}, {NamespaceBehoerde, prefixBehoerde, &enc.beh}, {NamespaceKommunikation, prefixKommunikation, &enc.kom}} {
			if p, ok := inScopePrefix(scope, b.ns); ok && p != "" {
				*b.dst = p
				if _, onRoot := inScopePrefix(root, b.ns); !onRoot {
					// declared on the header being replaced: carry it over
					decl = append(decl, etree.Attr{Space: "xmlns", Key: p, Value: b.ns})
				}
				continue
			}
			*b.dst = b.def
			decl = append(decl, etree.Attr{Space: "xmlns", Key: b.def, Value: b.ns})
		}
		hdr.Space = enc.g2g
		for _, a := range decl {
			hdr.CreateAttr("xmlns:"+a.Key, a.Value)
		}
	}
	if defaultNamespace(root) != "" {
		// Unqualified names (and the unqualified code/name children of a
		// Code) must not fall into an inherited default namespace.
		hdr.CreateAttr("xmlns", "")
	}
	id := enc.child(hdr, enc.g2g, "identifikation.nachricht")
	enc.text(id, enc.g2g, "nachrichtenUUID", k.IdentifikationNachricht.NachrichtenUUID)
	enc.code(enc.child(id, enc.g2g, "nachrichtentyp"), k.IdentifikationNachricht.Nachrichtentyp)
	enc.text(id, enc.g2g, "erstellungszeitpunkt", erstellungszeitpunktLexical(&k.IdentifikationNachricht))
	enc.behoerde(enc.child(hdr, enc.g2g, "leser"), &k.Leser)
	enc.behoerde(enc.child(hdr, enc.g2g, "autor"), &k.Autor)
	for _, x := range k.Extensions {
		enc.text(hdr, "", x.Name, x.Value)
	}
	return hdr, nil
}

// erstellungszeitpunktLexical keeps the lexical form that was read as long
// as the time was not changed; otherwise it formats strictly.
func erstellungszeitpunktLexical(id *IdentifikationNachricht) string {
	if id.lexical != "" {
		if t, _, ok := parseDateTime(id.lexical); ok && t.Equal(id.Erstellungszeitpunkt) {
			return id.lexical
		}
	}
	return FormatErstellungszeitpunkt(id.Erstellungszeitpunkt)
}

func setRootAttrs(k *Nachrichtenkopf, root *etree.Element) {
	root.CreateAttr("produkt", k.Produkt)
	root.CreateAttr("produkthersteller", k.Produkthersteller)
	if k.Produktversion != "" || k.produktversionSet {
		root.CreateAttr("produktversion", k.Produktversion)
	} else {
		root.RemoveAttr("produktversion")
	}
	root.CreateAttr("standard", k.Standard)
	if k.Test != nil {
		root.CreateAttr("test", *k.Test)
	} else {
		root.RemoveAttr("test")
	}
	root.CreateAttr("version", k.Version)
}

func (enc *encoder) child(parent *etree.Element, prefix, local string) *etree.Element {
	e := parent.CreateElement(local)
	e.Space = prefix
	return e
}

func (enc *encoder) text(parent *etree.Element, prefix, local, v string) {
	enc.child(parent, prefix, local).SetText(v)
}

func (enc *encoder) code(e *etree.Element, c Code) {
	if c.ListURI != "" || c.listURISet {
		e.CreateAttr("listURI", c.ListURI)
	}
	if c.ListVersionID != "" || c.listVersionIDSet {
		e.CreateAttr("listVersionID", c.ListVersionID)
	}
	e.CreateElement("code").SetText(c.Code)
	if c.Name != "" {
		e.CreateElement("name").SetText(c.Name)
	}
}

func (enc *encoder) behoerde(e *etree.Element, b *Behoerde) {
	enc.code(enc.child(e, enc.beh, "verzeichnisdienst"), b.Verzeichnisdienst)
	enc.text(e, enc.beh, "kennung", b.Kennung)
	enc.text(e, enc.beh, "name", b.Name)
	for _, k := range b.Erreichbarkeit {
		x := enc.child(e, enc.kom, "erreichbarkeit")
		enc.code(enc.child(x, enc.kom, "kanal"), k.Kanal)
		enc.text(x, enc.kom, "kennung", k.Kennung)
		if k.Zusatz != "" {
			enc.text(x, enc.kom, "zusatz", k.Zusatz)
		}
	}
}
