package xoev

import (
	"cmp"
	"context"
	"fmt"

	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/xoev/codelist"
)

// Default limits for one message (the values of the module's secure XML
// parser). They fit messages with large base64 attachments; lower them
// for endpoints that only take small messages.
const (
	DefaultMaxBytes      = xmlsafe.DefaultMaxBytes      // 16 MiB: messages with base64 attachments fit; see Config.MaxBytes
	DefaultMaxDepth      = xmlsafe.DefaultMaxDepth      // 256
	DefaultMaxElements   = xmlsafe.DefaultMaxElements   // 250,000
	DefaultMaxAttributes = xmlsafe.DefaultMaxAttributes // 256 per element, namespace declarations included

	// DefaultMaxFindings caps the errors, and separately the warnings,
	// reported for one message.
	DefaultMaxFindings = 100
	// DefaultMaxCodeListFetches caps the distinct code lists outside the
	// registry that one message may ask for. A valid header names at
	// most three lists (nachrichtentyp, verzeichnisdienst, kanal).
	DefaultMaxCodeListFetches = 8
)

// Config configures a Parser. The zero value is valid and uses the
// defaults documented on each field.
type Config struct {
	// MaxBytes bounds the message size; 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxDepth bounds element nesting (the root is depth 1); 0 means
	// DefaultMaxDepth.
	MaxDepth int
	// MaxElements bounds the number of elements; 0 means
	// DefaultMaxElements.
	MaxElements int
	// MaxAttributes bounds the attributes of one element; 0 means
	// DefaultMaxAttributes.
	MaxAttributes int
	// MaxFindings caps the errors reported by one Decode or Validate
	// call, and separately the warnings; 0 means DefaultMaxFindings. When
	// it is reached, checking stops and one more *Error wrapping ErrLimit
	// says so (the message stays invalid); warnings beyond it are
	// summarised by one Warning.
	MaxFindings int
	// MaxCodeListFetches caps the distinct code lists (listURI,
	// listVersionID) not already in CodeLists that one message may make
	// the registry resolve, i.e. ask its Fetcher for; 0 means
	// DefaultMaxCodeListFetches. Each distinct list is resolved once per
	// message. A message that needs more is invalid: one *Error wrapping
	// ErrLimit and ErrCode, and its further codes are not checked.
	MaxCodeListFetches int

	// Profiles selects the standard profile by root namespace. nil means
	// StandardProfiles() (XBau 2.6, XBau-Kernmodul 1.3.0, XWasser 1.0.0, xdomea 3.0.0).
	Profiles *Profiles
	// CodeLists resolves code lists for nachrichtentyp, verzeichnisdienst
	// and kanal checks. nil means StandardCodeLists (offline bundle, no
	// fetcher).
	CodeLists *codelist.Registry
	// RequireProfile makes a message whose root namespace has no profile
	// invalid (ErrProfile). false: such messages get the generic header
	// checks only.
	RequireProfile bool
}

// Validate reports invalid settings.
func (c Config) Validate() error {
	if c.MaxBytes < 0 || c.MaxDepth < 0 || c.MaxElements < 0 || c.MaxAttributes < 0 || c.MaxFindings < 0 || c.MaxCodeListFetches < 0 {
		return fmt.Errorf("%w: limits must not be negative", ErrInvalidConfig)
	}
	return nil
}

func (c Config) limits() xmlsafe.Limits {
	return xmlsafe.Limits{MaxBytes: c.MaxBytes, MaxDepth: c.MaxDepth, MaxElements: c.MaxElements, MaxAttributes: c.MaxAttributes}.WithDefaults()
}

func (c Config) maxFindings() int { return cmp.Or(c.MaxFindings, DefaultMaxFindings) }

func (c Config) maxCodeListFetches() int {
	return cmp.Or(c.MaxCodeListFetches, DefaultMaxCodeListFetches)
}

// Parser decodes and validates XÖV messages. It is safe for concurrent
// use.
type Parser struct {
	cfg      Config
	limits   xmlsafe.Limits
	profiles *Profiles
	lists    *codelist.Registry
}

// New returns a Parser for cfg.
func New(cfg Config) (*Parser, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Parser{cfg: cfg, limits: cfg.limits(), profiles: cfg.Profiles, lists: cfg.CodeLists}
	if p.profiles == nil {
		ps, err := StandardProfiles()
		if err != nil {
			return nil, err
		}
		p.profiles = ps
	}
	if p.lists == nil {
		ls, err := StandardCodeLists(context.Background(), codelist.Config{})
		if err != nil {
			return nil, err
		}
		p.lists = ls
	}
	return p, nil
}

// Profiles returns the profile registry in use.
func (p *Parser) Profiles() *Profiles { return p.profiles }

// CodeLists returns the code list registry in use.
func (p *Parser) CodeLists() *codelist.Registry { return p.lists }

// errNotReady is returned by a zero Parser or Builder (use New/NewBuilder).
var errNotReady = fmt.Errorf("%w: not initialised; use New or NewBuilder", ErrInvalidConfig)

func (p *Parser) ready() error {
	if p == nil || p.profiles == nil || p.lists == nil {
		return errNotReady
	}
	return nil
}
