package xoev

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/egosaar/ozg/xoev/codelist"
)

// Profile describes what one XÖV standard version fixes about its
// messages. Profiles are data: they are read from JSON files (see the
// standards directory of this package) and adding a standard needs no code.
type Profile struct {
	// Name identifies the profile, e.g. "xbau-2.6".
	Name string `json:"name"`
	// Standard is the fixed value of the root attribute @standard.
	Standard string `json:"standard"`
	// Version is the fixed value of the root attribute @version.
	Version string `json:"version"`
	// Namespace is the target namespace of the message roots.
	Namespace string `json:"namespace"`
	// Prefix is the prefix a Builder binds to Namespace, e.g. "xbau".
	Prefix string `json:"prefix"`
	// HeaderForm is the form of nachrichtenkopf.g2g the schema requires.
	HeaderForm HeaderForm `json:"headerForm"`
	// Nachrichtentyp names the message-type code list and the column that
	// holds the root element name for each code.
	Nachrichtentyp NachrichtentypSpec `json:"nachrichtentyp"`
	// HeaderExtensions are the elements the standard appends to the
	// header after autor, in order.
	HeaderExtensions []ExtensionSpec `json:"headerExtensions,omitempty"`
	// Signature, if set, allows an enveloped ds:Signature as a child of
	// the listed roots; without it a ds:Signature child is a violation.
	Signature *SignatureSlot `json:"signature,omitempty"`
	// Sources records where each fact was taken from (schema files).
	Sources []string `json:"sources,omitempty"`
}

// NachrichtentypSpec fixes the nachrichtentyp Code of a standard.
type NachrichtentypSpec struct {
	ListURI       string `json:"listURI"`       // fixed listURI
	ListVersionID string `json:"listVersionID"` // fixed listVersionID
	// RootColumn is the genericode column whose value is the root element
	// name of the message with that code ("beschreibung" in XBau,
	// "Nachricht" in XWasser).
	RootColumn string `json:"rootColumn"`
	// RootSuffixCode: the root element name is the column value, a dot
	// and the code (xdomea: beschreibung "Aussonderung.Aussonderung",
	// code 0503, root Aussonderung.Aussonderung.0503).
	RootSuffixCode bool `json:"rootSuffixCode,omitempty"`
}

// ExtensionSpec declares one additional header element.
type ExtensionSpec struct {
	Name string `json:"name"`
	// Type is "uuid" (bn-uq-g2g:UUID) or "datatypeC" (DIN 91379 C).
	Type string `json:"type"`
	// Required makes the element mandatory (minOccurs=1).
	Required bool `json:"required,omitempty"`
}

// SignatureSlot says where a standard places an enveloped ds:Signature.
type SignatureSlot struct {
	// Roots lists the root element local names that may carry one.
	Roots []string `json:"roots"`
	// Position is "last" (the signature is the last child of the root).
	Position string `json:"position"`
}

// Validate checks that the profile is complete.
func (p *Profile) Validate() error {
	bad := func(f string) error { return fmt.Errorf("%w: profile %q: %s", ErrProfile, p.Name, f) }
	switch {
	case p.Name == "":
		return bad("name is required")
	case p.Standard == "" || p.Version == "":
		return bad("standard and version are required")
	case p.Namespace == "":
		return bad("namespace is required")
	case p.HeaderForm != FormUnqualified && p.HeaderForm != FormQualified && p.HeaderForm != FormXdomea3:
		return bad("headerForm must be unqualified, qualified or xdomea3")
	case p.Nachrichtentyp.ListURI == "" || p.Nachrichtentyp.ListVersionID == "" || p.Nachrichtentyp.RootColumn == "":
		return bad("nachrichtentyp needs listURI, listVersionID and rootColumn")
	}
	seen := map[string]bool{}
	for _, x := range p.HeaderExtensions {
		if x.Name == "" || seen[x.Name] {
			return bad("header extension names must be unique and non-empty")
		}
		seen[x.Name] = true
		if x.Type != "uuid" && x.Type != "datatypeC" {
			return bad("header extension type must be uuid or datatypeC")
		}
		if p.HeaderForm != FormUnqualified {
			return bad("header extensions need the unqualified form")
		}
	}
	if s := p.Signature; s != nil && (len(s.Roots) == 0 || s.Position != "last") {
		return bad(`signature needs roots and position "last"`)
	}
	return nil
}

// ParseProfile decodes one profile from JSON (unknown fields are refused)
// and validates it.
func ParseProfile(data []byte) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProfile, err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Profiles is a registry of profiles keyed by root namespace. It is safe
// for concurrent use.
type Profiles struct {
	mu   sync.RWMutex
	byNS map[string]*Profile
}

// NewProfiles returns a registry holding ps.
func NewProfiles(ps ...*Profile) (*Profiles, error) {
	r := &Profiles{byNS: map[string]*Profile{}}
	for _, p := range ps {
		if err := r.Add(p); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Add validates and registers p. A second profile for the same namespace
// is refused.
func (r *Profiles) Add(p *Profile) error {
	if p == nil {
		return fmt.Errorf("%w: nil profile", ErrProfile)
	}
	if err := p.Validate(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byNS == nil {
		r.byNS = map[string]*Profile{}
	}
	if old, ok := r.byNS[p.Namespace]; ok {
		return fmt.Errorf("%w: namespace %s already has profile %q", ErrProfile, p.Namespace, old.Name)
	}
	cp := *p
	r.byNS[p.Namespace] = &cp
	return nil
}

// LoadFS reads every JSON file of fsys matching pattern (fs.Glob) as a
// profile and registers it.
func (r *Profiles) LoadFS(fsys fs.FS, pattern string) error {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrProfile, err)
	}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrProfile, err)
		}
		p, err := ParseProfile(data)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		if err := r.Add(p); err != nil {
			return err
		}
	}
	return nil
}

// Lookup returns the profile for a root namespace.
func (r *Profiles) Lookup(namespace string) (*Profile, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.byNS[namespace]
	return p, ok
}

// ByName returns the profile with the given name.
func (r *Profiles) ByName(name string) (*Profile, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, p := range r.byNS {
		if p.Name == name {
			return p, true
		}
	}
	return nil, false
}

// Names returns the registered profile names, sorted.
func (r *Profiles) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.byNS))
	for _, p := range r.byNS {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}

//go:embed standards/*.json standards/codelists/*.xml
var standardsFS embed.FS

// StandardsFS returns the embedded offline bundle: profiles/*.json
// ("standards/*.json") and the genericode lists they need
// ("standards/codelists/*.xml").
func StandardsFS() fs.FS { return standardsFS }

// StandardProfiles returns a new registry with the shipped profiles:
// xbau-2.6, xbau-kernmodul-1.3.0 (the XBau 2.6 process messages) and
// xwasser-1.0.0.
func StandardProfiles() (*Profiles, error) {
	r, _ := NewProfiles()
	if err := r.LoadFS(standardsFS, "standards/*.json"); err != nil {
		return nil, err
	}
	return r, nil
}

// StandardCodeLists returns a new code list registry with the shipped
// lists (XBau nachrichten 4.0, XBau-Kernmodul nachrichten 3.0, XWasser
// nachrichtentyp 1, xdomea nachrichtentyp 2.0, erreichbarkeit 3 and 4). cfg may carry a Fetcher for
// lists that are not bundled.
func StandardCodeLists(ctx context.Context, cfg codelist.Config) (*codelist.Registry, error) {
	r, err := codelist.New(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := r.LoadFS(ctx, standardsFS, "standards/codelists/*.xml"); err != nil {
		return nil, errors.Join(ErrProfile, err)
	}
	return r, nil
}
