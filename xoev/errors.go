package xoev

import (
	"errors"
	"fmt"

	"github.com/egosaar/ozg/internal/xmlsafe"
)

// Sentinel errors. Every error from this package wraps one of them; most
// come as an *Error that also names the location.
var (
	// ErrInvalidConfig: a Config or BuilderConfig is unusable (negative
	// limit, missing profile or product). New and NewBuilder wrap it.
	ErrInvalidConfig = errors.New("xoev: invalid configuration")
	// ErrNotXOEV: the document is well-formed XML but not an XÖV message
	// (no nachrichtenkopf.g2g or nachrichtenkopf as first child of the root).
	ErrNotXOEV = errors.New("xoev: not an XOEV message")
	// ErrHeader: the header is structurally invalid (missing or unexpected
	// element or attribute, bad UUID or dateTime).
	ErrHeader = errors.New("xoev: invalid message header")
	// ErrCode: a Code violates its listURI/listVersionID rules or its code
	// is not in the code list.
	ErrCode = errors.New("xoev: invalid code")
	// ErrNachrichtentyp: the nachrichtentyp code does not match the root
	// element name.
	ErrNachrichtentyp = errors.New("xoev: nachrichtentyp does not match root element")
	// ErrCharacter: a string contains a character outside DIN 91379
	// datatype C. The chain also holds a *din91379.CharacterError.
	ErrCharacter = errors.New("xoev: character not allowed")
	// ErrKennung: a DVDV kennung is not of the form praefix:kennung.
	ErrKennung = errors.New("xoev: invalid DVDV kennung")
	// ErrProfile: the message violates what its standard's profile fixes
	// (@standard, @version, header form, extensions, signature slot), or
	// no profile is known while Config.RequireProfile is set.
	ErrProfile = errors.New("xoev: profile violation")
	// ErrLimit: a size, depth, element-count or attribute-count limit was
	// exceeded.
	ErrLimit = errors.New("xoev: limit exceeded")
	// ErrDoctype: the document has a DOCTYPE (entities, XXE, billion laughs).
	ErrDoctype = errors.New("xoev: DOCTYPE not allowed")
	// ErrSyntax: the document is not well-formed XML.
	ErrSyntax = errors.New("xoev: malformed XML")
	// ErrBuild: a message cannot be built from the given values.
	ErrBuild = errors.New("xoev: cannot build message")
)

// Error is a finding with its location. Kind is one of the sentinels
// above; Err, if set, is the underlying cause (e.g. a
// *din91379.CharacterError). The message never quotes header values.
type Error struct {
	Kind   error
	Path   string // XPath-like location, e.g. /xbau:baugenehmigung.antrag.0200/nachrichtenkopf.g2g/leser/kennung
	Reason string
	Err    error
}

// Error describes the finding and its location.
func (e *Error) Error() string {
	msg := "xoev: "
	if e.Reason != "" {
		msg += e.Reason
	} else {
		msg += trimPkg(e.Kind.Error())
	}
	if e.Path != "" {
		msg += " at " + e.Path
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns Kind and Err.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

func trimPkg(s string) string {
	const p = "xoev: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

func newErr(kind error, path, format string, args ...any) *Error {
	return &Error{Kind: kind, Path: path, Reason: fmt.Sprintf(format, args...)}
}

// mapParseError turns an internal/xmlsafe error into this package's
// sentinels without exposing internal types in the API.
func mapParseError(err error) error {
	switch {
	case errors.Is(err, xmlsafe.ErrDoctype):
		return &Error{Kind: ErrDoctype, Path: "/", Reason: "DOCTYPE and entity declarations are not allowed"}
	case errors.Is(err, xmlsafe.ErrLimit):
		var le *xmlsafe.LimitError
		if errors.As(err, &le) {
			return &Error{Kind: ErrLimit, Path: fmt.Sprintf("/ (byte %d)", le.Offset),
				Reason: fmt.Sprintf("more than %d %s", le.Max, le.Limit)}
		}
		return &Error{Kind: ErrLimit, Path: "/", Reason: "limit exceeded"}
	default:
		var se *xmlsafe.SyntaxError
		if errors.As(err, &se) {
			path := "/"
			if se.Line > 0 {
				path = fmt.Sprintf("/ (line %d)", se.Line)
			}
			return &Error{Kind: ErrSyntax, Path: path, Reason: "malformed XML: " + se.Msg}
		}
		return &Error{Kind: ErrSyntax, Path: "/", Reason: "malformed XML"}
	}
}
