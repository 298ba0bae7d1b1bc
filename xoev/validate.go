package xoev

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/egosaar/ozg/internal/redact"
	"github.com/egosaar/ozg/internal/uuidfmt"
	"github.com/egosaar/ozg/xoev/codelist"
	"github.com/egosaar/ozg/xoev/din91379"
)

// CodeRule is what a schema fixes or requires about one Code element.
type CodeRule struct {
	// ListURI, if set, is the fixed listURI: the attribute may be absent
	// (the fixed value then applies) or must equal it.
	ListURI string
	// ListVersionID, if set, is the fixed listVersionID (same semantics).
	ListVersionID string
	// VersionRequired makes listVersionID mandatory and non-empty (code
	// types whose list version is chosen at run time).
	VersionRequired bool
}

// Standard rules of the 1.1 header types.
var (
	ruleVerzeichnisdienst = CodeRule{ListURI: ListURIVerzeichnisdienst, VersionRequired: true}
	ruleKanal             = CodeRule{ListURI: ListURIErreichbarkeit, VersionRequired: true}
)

// CheckCode applies r to c. It checks the structure only; code list
// membership is checked by Parser.Validate. Errors are *Error wrapping
// ErrCode with the attribute's location under path.
func CheckCode(c Code, r CodeRule, path string) error {
	var errs []error
	if c.Code == "" {
		errs = append(errs, newErr(ErrCode, path+"/code", "empty code"))
	}
	if r.ListURI != "" && (c.ListURI != "" || c.listURISet) && c.ListURI != r.ListURI {
		errs = append(errs, newErr(ErrCode, path+"/@listURI", "listURI differs from the fixed value %s", r.ListURI))
	}
	if r.ListVersionID != "" && (c.ListVersionID != "" || c.listVersionIDSet) && c.ListVersionID != r.ListVersionID {
		errs = append(errs, newErr(ErrCode, path+"/@listVersionID", "listVersionID differs from the fixed value %s", r.ListVersionID))
	}
	if r.VersionRequired && c.ListVersionID == "" {
		if c.listVersionIDSet {
			errs = append(errs, newErr(ErrCode, path+"/@listVersionID", "empty listVersionID"))
		} else {
			errs = append(errs, newErr(ErrCode, path+"/@listVersionID", "missing required listVersionID"))
		}
	}
	return errors.Join(errs...)
}

// effective returns the list URI and version that apply to c under r.
func effective(c Code, r CodeRule) (uri, version string) {
	uri, version = c.ListURI, c.ListVersionID
	if uri == "" {
		uri = r.ListURI
	}
	if version == "" {
		version = r.ListVersionID
	}
	return uri, version
}

// validation collects findings of one Validate call.
type validation struct {
	findings
	p   *Parser
	ctx context.Context

	// lists holds, per message, the outcome for every code list that
	// was not in the registry, so each distinct (listURI, listVersionID)
	// is resolved (possibly fetched) and reported once.
	lists      map[listKey]*listOutcome
	overBudget bool // MaxCodeListFetches exceeded and reported
}

type listKey struct{ uri, version string }

// listOutcome is the result of resolving one list and what was reported
// about it.
type listOutcome struct {
	l              *codelist.List
	err            error
	failed, warned bool // an error / a warning was reported
}

func (p *Parser) newValidation(ctx context.Context) *validation {
	return &validation{findings: findings{max: p.cfg.maxFindings()}, p: p, ctx: ctx}
}

// text checks a datatype C value.
// The location is base+seg, joined only when there is a finding (the
// happy path allocates no path strings).
func (v *validation) text(s, base, seg string) {
	n, err := din91379.NormalizeC(s)
	switch {
	case err != nil:
		v.add(&Error{Kind: ErrCharacter, Path: base + seg, Reason: "text outside DIN 91379 datatype C", Err: err})
	case n != s:
		// One verdict with the schema: the DIN 91379 patterns of the XSD
		// (and xmllint) refuse decomposed sequences, so Parse does too.
		v.add(&Error{Kind: ErrCharacter, Path: base + seg, Reason: nfcReason(s)})
	}
}

// latin checks a String.Latin value (XInneres-4 header).
func (v *validation) latin(s, base, seg string) {
	if err := din91379.ValidateLatin(s); err != nil {
		v.add(&Error{Kind: ErrCharacter, Path: base + seg, Reason: "text outside XOEV String.Latin", Err: err})
	}
}

// errListBudget marks a list that was not resolved because the message
// already asked for Config.MaxCodeListFetches lists outside the registry.
var errListBudget = errors.New("xoev: too many code lists outside the registry")

// resolve returns the code list uri/version: a list in the registry
// directly (nil outcome); any other list through the registry (and its
// Fetcher) at most once per message and at most
// Config.MaxCodeListFetches distinct ones (errListBudget beyond).
func (v *validation) resolve(uri, version string) (*codelist.List, *listOutcome, error) {
	if l, ok := v.p.lists.Lookup(uri, version); ok {
		return l, nil, nil
	}
	k := listKey{uri, version}
	if o, ok := v.lists[k]; ok {
		return o.l, o, o.err
	}
	if len(v.lists) >= v.p.cfg.maxCodeListFetches() {
		return nil, nil, errListBudget
	}
	if v.lists == nil {
		v.lists = map[listKey]*listOutcome{}
	}
	l, err := v.p.lists.Get(v.ctx, uri, version)
	o := &listOutcome{l: l, err: err}
	v.lists[k] = o
	return l, o, err
}

// listed checks that c.Code is in its code list. With required false, a
// list that is unknown or cannot be fetched (codelist.ErrNotFound) is
// reported as one warning per list instead of an error; a list the
// profile fixes (required) must be available. Each list is reported once
// per message, at the first location that names it. See doc.go,
// # Security.
func (v *validation) listed(c Code, r CodeRule, path string, required bool) *codelist.List {
	uri, version := effective(c, r)
	if uri == "" || version == "" || c.Code == "" {
		return nil
	}
	l, o, err := v.resolve(uri, version)
	switch {
	case err == nil:
	case errors.Is(err, errListBudget):
		if !v.overBudget {
			v.overBudget = true
			v.add(&Error{Kind: ErrLimit, Path: path, Reason: fmt.Sprintf("message names more than %d code lists outside the registry; further codes not checked", v.p.cfg.maxCodeListFetches()), Err: ErrCode})
		}
		return nil
	case required || !errors.Is(err, codelist.ErrNotFound):
		if !o.failed {
			o.failed = true
			v.add(&Error{Kind: ErrCode, Path: path, Reason: "code list not available", Err: err})
		}
		return nil
	default:
		if !o.warned {
			o.warned = true
			v.warn(Warning{Path: path, Message: fmt.Sprintf("code list %s version %s not available; its codes are not checked", quoteCode(uri), quoteCode(version))})
		}
		return nil
	}
	if !l.Contains(c.Code) {
		v.add(newErr(ErrCode, path+"/code", "code %s is not in %s version %s", quoteCode(c.Code), quoteCode(uri), quoteCode(version)))
		return nil
	}
	return l
}

func quoteCode(s string) string { return redact.Quote(s, 32) }

// Validate applies the header rules to m and returns nil or the joined
// findings (each an *Error): root attributes present and DIN 91379
// datatype C; nachrichtenUUID shape; Code rules (fixed listURI and
// listVersionID, required listVersionID, code in its list); nachrichtentyp
// ↔ root element name; DVDV kennung form; profile rules (@standard,
// @version, header form, header extensions, signature slot). Warnings found
// on the way are appended to m.Warnings. Findings and warnings are capped
// at Config.MaxFindings, code lists outside the registry at
// Config.MaxCodeListFetches per message (see the package documentation,
// # Security).
func (p *Parser) Validate(ctx context.Context, m *Message) error {
	if err := p.ready(); err != nil {
		return err
	}
	if m == nil || m.doc == nil {
		return errNoDocument
	}
	v := p.newValidation(ctx)
	k := &m.Kopf
	rp := "/" + m.doc.Root().FullTag()
	hp := rp + "/" + tagKopfG2G
	switch k.Form {
	case FormXInneres4:
		hp = rp + "/" + tagKopfXInneres4
	case FormXdomea3:
		hp = rp + "/" + qualified(m.doc.Root().Space, tagKopfXdomea)
	}
	prof := m.Profile
	if prof == nil && p.cfg.RequireProfile {
		v.add(newErr(ErrProfile, rp, "no profile for namespace %s", m.Root.Space))
	}

	// Root attributes (Nachricht.G2GType): datatype C; XInneres 4 types
	// them as String.Latin.
	check := v.text
	switch k.Form {
	case FormXInneres4:
		check = v.latin
	case FormXdomea3:
		// No root attributes; SendendesSystem and names are xs:string.
		check = func(string, string, string) {}
	}
	for _, a := range []struct{ seg, val string }{
		{"/@produkt", k.Produkt}, {"/@produkthersteller", k.Produkthersteller}, {"/@produktversion", k.Produktversion},
		{"/@standard", k.Standard}, {"/@version", k.Version},
	} {
		check(a.val, rp, a.seg)
	}
	if k.Test != nil {
		check(*k.Test, rp, "/@test")
	}
	for _, a := range []struct{ name, val string }{{"produkt", k.Produkt}, {"produkthersteller", k.Produkthersteller}, {"standard", k.Standard}, {"version", k.Version}} {
		if a.val == "" && k.Form != FormXdomea3 {
			v.add(newErr(ErrHeader, rp+"/@"+a.name, "empty required attribute"))
		}
	}

	id := &k.IdentifikationNachricht
	// Element paths of the header fields in this form.
	ip := hp + "/identifikation.nachricht"
	uuidP, zeitP, typP, leserP, autorP := ip+"/nachrichtenUUID", ip+"/erstellungszeitpunkt", ip+"/nachrichtentyp", hp+"/leser", hp+"/autor"
	if k.Form == FormXdomea3 {
		q := func(local string) string { return hp + "/" + qualified(m.doc.Root().Space, local) }
		uuidP, zeitP, typP, leserP, autorP = q("ProzessID"), q("Erstellungszeitpunkt"), q("Nachrichtentyp"), q("Empfaenger"), q("Absender")
	}
	if !ValidUUID(id.NachrichtenUUID) {
		v.add(newErr(ErrHeader, uuidP, "not a UUID (8-4-4-4-12 hex digits)"))
	}
	if id.Erstellungszeitpunkt.IsZero() {
		v.add(newErr(ErrHeader, zeitP, "missing creation time"))
	}
	v.nachrichtentyp(m, prof, typP)

	v.behoerde(&k.Leser, k.Form, leserP)
	v.behoerde(&k.Autor, k.Form, autorP)

	if prof != nil {
		v.profile(m, prof, rp, hp)
	} else if len(k.Extensions) > 0 {
		v.add(newErr(ErrHeader, hp+"/"+k.Extensions[0].Name, "header extension without a profile that declares it"))
	}
	m.Warnings = append(m.Warnings, v.warns...)
	return v.err()
}

func (v *validation) nachrichtentyp(m *Message, prof *Profile, path string) {
	c := m.Kopf.IdentifikationNachricht.Nachrichtentyp
	if prof == nil {
		v.add(CheckCode(c, CodeRule{}, path))
		if c.ListURI != "" && c.ListVersionID != "" {
			v.listed(c, CodeRule{}, path, false)
		} else {
			v.warn(Warning{Path: path, Message: "no profile and no listURI/listVersionID; code not checked"})
		}
		return
	}
	r := CodeRule{ListURI: prof.Nachrichtentyp.ListURI, ListVersionID: prof.Nachrichtentyp.ListVersionID}
	if err := CheckCode(c, r, path); err != nil {
		v.add(err)
		return
	}
	l := v.listed(c, r, path, true)
	if l == nil {
		return
	}
	want, ok := l.Value(c.Code, prof.Nachrichtentyp.RootColumn)
	if !ok {
		v.add(newErr(ErrCode, path+"/code", "code list %s has no %s for code %s", l.CanonicalURI, prof.Nachrichtentyp.RootColumn, quoteCode(c.Code)))
		return
	}
	if prof.Nachrichtentyp.RootSuffixCode {
		want += "." + c.Code
	}
	if want != m.Root.Local {
		v.add(newErr(ErrNachrichtentyp, path+"/code", "code %s names root %s, message root is %s", quoteCode(c.Code), want, m.Root.Local))
	}
}

func (v *validation) behoerde(b *Behoerde, form HeaderForm, p string) {
	if form == FormXdomea3 {
		// KontaktType: the Behoerdenkennung codes are optional; names and
		// further contact data are xs:string and stay in the document.
		if bk := b.Behoerdenkennung; bk != nil {
			if bk.Kennung.Code != "" || bk.Kennung.ListURI != "" {
				v.add(CheckCode(bk.Kennung, CodeRule{}, p+"/Behoerdenkennung/Behoerdenschluessel"))
			}
			if bk.Praefix.Code != "" || bk.Praefix.ListURI != "" {
				v.add(CheckCode(bk.Praefix, CodeRule{}, p+"/Behoerdenkennung/Praefix"))
			}
		}
		return
	}
	if form == FormXInneres4 {
		if bk := b.Behoerdenkennung; bk != nil {
			v.add(CheckCode(bk.Praefix, CodeRule{ListURI: "urn:xoev-de:bund:bmi:bit:codeliste:dvdv.praefix"}, p+"/behoerdenkennung/praefix"))
			v.add(CheckCode(bk.Kennung, CodeRule{}, p+"/behoerdenkennung/kennung"))
		}
		v.latin(b.Name, p, "/behoerdenname")
		for i, e := range b.Erreichbarkeit {
			if v.full() {
				return
			}
			ep := p + "/erreichbarkeit[" + strconv.Itoa(i+1) + "]"
			v.add(CheckCode(e.Kanal, CodeRule{}, ep+"/kanal"))
			v.latin(e.Kennung, ep, "/kennung")
			v.latin(e.Zusatz, ep, "/zusatz")
		}
		return
	}
	vp := p + "/verzeichnisdienst"
	if err := CheckCode(b.Verzeichnisdienst, ruleVerzeichnisdienst, vp); err != nil {
		v.add(err)
	} else {
		v.listed(b.Verzeichnisdienst, ruleVerzeichnisdienst, vp, false)
	}
	v.text(b.Kennung, p, "/kennung")
	if b.Kennung == "" {
		v.add(newErr(ErrHeader, p+"/kennung", "empty kennung"))
	} else if b.Verzeichnisdienst.Code == VerzeichnisdienstDVDV {
		if _, err := ParseDVDVKennung(b.Kennung); err != nil {
			v.add(&Error{Kind: ErrKennung, Path: p + "/kennung", Reason: "DVDV kennung is not praefix:kennung", Err: err})
		}
	}
	v.text(b.Name, p, "/name")
	for i, e := range b.Erreichbarkeit {
		if v.full() {
			return
		}
		ep := p + "/erreichbarkeit[" + strconv.Itoa(i+1) + "]"
		if err := CheckCode(e.Kanal, ruleKanal, ep+"/kanal"); err != nil {
			v.add(err)
		} else {
			v.listed(e.Kanal, ruleKanal, ep+"/kanal", false)
		}
		v.text(e.Kennung, ep, "/kennung")
		v.text(e.Zusatz, ep, "/zusatz")
	}
}

func (v *validation) profile(m *Message, prof *Profile, rp, hp string) {
	k := &m.Kopf
	if k.Standard != prof.Standard {
		v.add(newErr(ErrProfile, rp+"/@standard", "standard differs from the fixed value %s of profile %s", prof.Standard, prof.Name))
	}
	if k.Version != prof.Version {
		v.add(newErr(ErrProfile, rp+"/@version", "version differs from the fixed value %s of profile %s", prof.Version, prof.Name))
	}
	if k.Form != prof.HeaderForm {
		v.add(newErr(ErrProfile, hp, "header form %s, profile %s requires %s", k.Form, prof.Name, prof.HeaderForm))
	}
	// Extensions: declared ones only, in declared order.
	next := 0
	for _, x := range k.Extensions {
		if v.full() {
			return
		}
		xp := hp + "/" + x.Name
		i := next
		for i < len(prof.HeaderExtensions) && prof.HeaderExtensions[i].Name != x.Name {
			i++
		}
		if i == len(prof.HeaderExtensions) {
			v.add(newErr(ErrHeader, xp, "element not declared by profile %s (or out of order)", prof.Name))
			continue
		}
		next = i + 1
		switch prof.HeaderExtensions[i].Type {
		case "uuid":
			if !ValidUUID(x.Value) {
				v.add(newErr(ErrHeader, xp, "not a UUID (8-4-4-4-12 hex digits)"))
			}
		default:
			v.text(x.Value, xp, "")
		}
	}
	for _, s := range prof.HeaderExtensions {
		if _, ok := k.Extension(s.Name); s.Required && !ok {
			v.add(newErr(ErrHeader, hp, "missing element %s required by profile %s", s.Name, prof.Name))
		}
	}
	v.signatureSlot(m, prof, rp)
}

// signatureSlot enforces where a ds:Signature child of the root may be.
func (v *validation) signatureSlot(m *Message, prof *Profile, rp string) {
	body := m.Body()
	for i, e := range body {
		if e.Tag != "Signature" || e.NamespaceURI() != NamespaceXMLDSig {
			continue
		}
		sp := rp + "/" + e.FullTag()
		s := prof.Signature
		switch {
		case s == nil || !contains(s.Roots, m.Root.Local):
			v.add(newErr(ErrProfile, sp, "profile %s allows no ds:Signature in this message", prof.Name))
		case i != len(body)-1:
			v.add(newErr(ErrProfile, sp, "ds:Signature must be the last child of the root"))
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// ValidUUID reports whether s matches the bn-uq-g2g:UUID pattern
// [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}
// (upper-case hex digits are allowed; no braces, no "urn:uuid:").
func ValidUUID(s string) bool { return uuidfmt.Valid(s) }

// nfcReason names where s stops being in Unicode NFC (Unicode Standard
// Annex #15): the 1-based character position and code point of the first
// sequence that has a composed form. The rest of s is not quoted.
func nfcReason(s string) string {
	i := norm.NFC.QuickSpanString(s)
	pos := utf8.RuneCountInString(s[:i]) + 1
	r, _ := utf8.DecodeRuneInString(s[i:])
	return fmt.Sprintf("text is not in Unicode NFC (DIN 91379 requires it): the sequence at position %d, starting with U+%04X, has a composed form; send the NFC form", pos, r)
}

// qualified writes prefix:local, or local without a prefix.
func qualified(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}
