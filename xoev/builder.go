package xoev

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"time"

	"github.com/beevik/etree"
	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"
)

// BuilderConfig configures a Builder.
type BuilderConfig struct {
	// Profile is the standard the messages belong to (required); it fixes
	// namespace, @standard, @version, header form and nachrichtentyp list.
	Profile *Profile
	// Produkt, Produkthersteller (required) and Produktversion (optional)
	// name the producing software (root attributes).
	Produkt           string
	Produkthersteller string
	Produktversion    string
	// Form overrides the profile's header form; FormUnknown (zero) keeps
	// it.
	Form HeaderForm
	// Parser validates every built message; nil means New(Config{}) with
	// Profile added to the standard profiles if missing there.
	Parser *Parser
	// Now returns the creation time; nil means time.Now.
	Now func() time.Time
	// NewUUID returns the message UUID; nil means uuid.NewRandom (RFC 4122
	// version 4 from crypto/rand).
	NewUUID func() (uuid.UUID, error)
}

// Validate reports missing or inconsistent settings.
func (c BuilderConfig) Validate() error {
	if c.Profile == nil {
		return fmt.Errorf("%w: %w: builder needs a profile", ErrInvalidConfig, ErrBuild)
	}
	if err := c.Profile.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if c.Produkt == "" || c.Produkthersteller == "" {
		return fmt.Errorf("%w: %w: produkt and produkthersteller are required", ErrInvalidConfig, ErrBuild)
	}
	if c.Form == FormXInneres4 {
		return fmt.Errorf("%w: %w: the XInneres-4 header is read only", ErrInvalidConfig, ErrBuild)
	}
	if c.Form == FormXdomea3 || c.Form == FormUnknown && c.Profile.HeaderForm == FormXdomea3 {
		return fmt.Errorf("%w: %w: the xdomea Kopf is read only", ErrInvalidConfig, ErrBuild)
	}
	return nil
}

// Builder creates messages of one standard with a fresh UUID and a strict
// erstellungszeitpunkt (milliseconds and zone). It is safe for concurrent
// use.
type Builder struct {
	cfg    BuilderConfig
	form   HeaderForm
	parser *Parser
}

// NewBuilder returns a Builder for cfg.
func NewBuilder(cfg BuilderConfig) (*Builder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := &Builder{cfg: cfg, form: cfg.Form, parser: cfg.Parser}
	if b.form == FormUnknown {
		b.form = cfg.Profile.HeaderForm
	}
	if cfg.Now == nil {
		b.cfg.Now = time.Now
	}
	if cfg.NewUUID == nil {
		b.cfg.NewUUID = uuid.NewRandom
	}
	if b.parser == nil {
		ps, err := StandardProfiles()
		if err != nil {
			return nil, err
		}
		if _, ok := ps.Lookup(cfg.Profile.Namespace); !ok {
			if err := ps.Add(cfg.Profile); err != nil {
				return nil, err
			}
		}
		p, err := New(Config{Profiles: ps})
		if err != nil {
			return nil, err
		}
		b.parser = p
	}
	return b, nil
}

// Draft holds the per-message values for Build.
type Draft struct {
	// Root is the local name of the message root, e.g.
	// "baugenehmigung.antrag.0200".
	Root string
	// Nachrichtentyp may be left zero: the code is then looked up from
	// Root in the profile's code list (reverse of the consistency check).
	Nachrichtentyp Code
	Leser, Autor   Behoerde
	// Extensions are the profile's additional header elements.
	Extensions []Extension
	// Test, if non-nil, marks a test message (root attribute test).
	Test *string
	// Body elements are appended to the root after the header, in order
	// (deep copies; the caller keeps its elements). They should use the
	// profile's prefix, which the root binds to the profile namespace.
	Body []*etree.Element
}

// Build creates and validates a message. Errors wrap ErrBuild or the
// validation sentinels; no message is returned on error.
func (b *Builder) Build(ctx context.Context, d Draft) (*Message, error) {
	if b == nil || b.cfg.Profile == nil || b.parser == nil {
		return nil, errNotReady
	}
	prof := b.cfg.Profile
	if d.Root == "" {
		return nil, fmt.Errorf("%w: root element name is required", ErrBuild)
	}
	nt := d.Nachrichtentyp
	if nt.Code == "" {
		l, err := b.parser.lists.Get(ctx, prof.Nachrichtentyp.ListURI, prof.Nachrichtentyp.ListVersionID)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBuild, err)
		}
		row, ok := l.Find(prof.Nachrichtentyp.RootColumn, d.Root)
		if !ok {
			return nil, fmt.Errorf("%w: %s is not a message of %s", ErrBuild, d.Root, prof.Name)
		}
		nt = Code{Code: row.Code(), ListURI: prof.Nachrichtentyp.ListURI, ListVersionID: prof.Nachrichtentyp.ListVersionID}
	}
	id, err := b.cfg.NewUUID()
	if err != nil {
		return nil, fmt.Errorf("%w: uuid: %w", ErrBuild, err)
	}
	k := Nachrichtenkopf{
		Form:              b.form,
		Produkt:           b.cfg.Produkt,
		Produkthersteller: b.cfg.Produkthersteller,
		Produktversion:    b.cfg.Produktversion,
		Standard:          prof.Standard,
		Version:           prof.Version,
		Test:              d.Test,
		IdentifikationNachricht: IdentifikationNachricht{
			NachrichtenUUID:      id.String(),
			Nachrichtentyp:       nt,
			Erstellungszeitpunkt: b.cfg.Now().Truncate(time.Millisecond),
		},
		// Unicode NFC before writing: DIN 91379 and the schemas' patterns
		// accept only NFC, and Parse refuses anything else.
		Leser:      nfcBehoerde(d.Leser),
		Autor:      nfcBehoerde(d.Autor),
		Extensions: d.Extensions,
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement(d.Root)
	prefix := prof.Prefix
	if prefix == "" {
		prefix = "ns"
	}
	root.Space = prefix
	root.CreateAttr("xmlns:"+prefix, prof.Namespace)
	if b.form == FormQualified {
		root.CreateAttr("xmlns:"+prefixG2G, NamespaceG2G)
		root.CreateAttr("xmlns:"+prefixBehoerde, NamespaceBehoerde)
		root.CreateAttr("xmlns:"+prefixKommunikation, NamespaceKommunikation)
	}
	hdr, err := encodeKopf(&k, root, root)
	if err != nil {
		return nil, err
	}
	root.AddChild(hdr)
	for _, e := range d.Body {
		if e == nil {
			return nil, fmt.Errorf("%w: nil body element", ErrBuild)
		}
		root.AddChild(e.Copy())
	}
	m := &Message{Root: xml.Name{Space: prof.Namespace, Local: d.Root}, Kopf: k, Profile: prof, doc: doc}
	if err := b.parser.Validate(ctx, m); err != nil {
		return nil, errors.Join(ErrBuild, err)
	}
	return m, nil
}

// nfcBehoerde returns b with every text in Unicode NFC (Unicode Standard
// Annex #15); the caller's value is not changed.
func nfcBehoerde(b Behoerde) Behoerde {
	b.Verzeichnisdienst = nfcCode(b.Verzeichnisdienst)
	b.Kennung = norm.NFC.String(b.Kennung)
	b.Name = norm.NFC.String(b.Name)
	if b.Erreichbarkeit != nil {
		e := make([]Kommunikation, len(b.Erreichbarkeit))
		for i, k := range b.Erreichbarkeit {
			e[i] = Kommunikation{Kanal: nfcCode(k.Kanal), Kennung: norm.NFC.String(k.Kennung), Zusatz: norm.NFC.String(k.Zusatz)}
		}
		b.Erreichbarkeit = e
	}
	return b
}

func nfcCode(c Code) Code {
	c.Code = norm.NFC.String(c.Code)
	c.Name = norm.NFC.String(c.Name)
	return c
}
