package codelist

import (
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/internal/redact"
	"github.com/egosaar/ozg/internal/xmlsafe"
)

// Namespaces of genericode 1.0 and of the XÖV genericode metadata.
const (
	NamespaceGenericode = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"
	NamespaceXoevCL4    = "http://xoev.de/schemata/genericode/4"
)

// Column describes one genericode column (ColumnSet/Column).
type Column struct {
	ID        string // @Id, referenced by Value/@ColumnRef
	ShortName string
	LongName  string
	Required  bool   // @Use="required"
	DataType  string // Data/@Type, e.g. "string"
	Lang      string // Data/@Lang, e.g. "de-DE" for multilingual lists
}

// List is one version of a code list. It is immutable after parsing and
// safe for concurrent use.
type List struct {
	ShortName           string // Identification/ShortName
	LongName            string // Identification/LongName
	Version             string // Identification/Version (listVersionID)
	CanonicalURI        string // Identification/CanonicalUri (listURI)
	CanonicalVersionURI string // Identification/CanonicalVersionUri
	AgencyLongName      string // Identification/Agency/LongName
	HandbookVersion     string // xoev-cl-*:versionHandbook, e.g. "1.2"

	columns []Column
	colIdx  map[string]int
	keyCol  int
	rows    [][]string // rows[i][column index]; "" when absent
	rowIdx  map[string]int
}

// Row is one entry of a list.
type Row struct {
	list *List
	vals []string
}

// Value returns the value of the column with the given Id.
func (r Row) Value(column string) (string, bool) {
	if r.list == nil {
		return "", false
	}
	i, ok := r.list.colIdx[column]
	if !ok {
		return "", false
	}
	return r.vals[i], r.vals[i] != ""
}

// Code returns the value of the key column.
func (r Row) Code() string {
	if r.list == nil {
		return ""
	}
	return r.vals[r.list.keyCol]
}

// Columns returns the columns in document order.
func (l *List) Columns() []Column { return append([]Column(nil), l.columns...) }

// KeyColumn returns the Id of the key column used for lookups.
func (l *List) KeyColumn() string {
	if len(l.columns) == 0 {
		return ""
	}
	return l.columns[l.keyCol].ID
}

// Len returns the number of rows.
func (l *List) Len() int { return len(l.rows) }

// Codes returns the key values in document order.
func (l *List) Codes() []string {
	out := make([]string, len(l.rows))
	for i, r := range l.rows {
		out[i] = r[l.keyCol]
	}
	return out
}

// Lookup returns the row whose key column equals code.
func (l *List) Lookup(code string) (Row, bool) {
	i, ok := l.rowIdx[code]
	if !ok {
		return Row{}, false
	}
	return Row{list: l, vals: l.rows[i]}, true
}

// Contains reports whether code is a key of the list.
func (l *List) Contains(code string) bool {
	_, ok := l.rowIdx[code]
	return ok
}

// Value returns the value of column for the row keyed by code, e.g.
// Value("0200", "beschreibung").
func (l *List) Value(code, column string) (string, bool) {
	r, ok := l.Lookup(code)
	if !ok {
		return "", false
	}
	return r.Value(column)
}

// Find returns the first row whose column equals value (a reverse lookup,
// e.g. from a root element name to its nachrichtentyp code).
func (l *List) Find(column, value string) (Row, bool) {
	i, ok := l.colIdx[column]
	if !ok {
		return Row{}, false
	}
	for _, r := range l.rows {
		if r[i] == value {
			return Row{list: l, vals: r}, true
		}
	}
	return Row{}, false
}

// Parse parses one genericode document under lim. Errors wrap ErrInvalid
// or ErrLimit.
func Parse(data []byte, cfg Config) (*List, error) {
	doc, err := xmlsafe.Parse(data, cfg.limits())
	if err != nil {
		if errors.Is(err, xmlsafe.ErrLimit) {
			return nil, fmt.Errorf("%w: %w", ErrLimit, err)
		}
		return nil, &InvalidError{Reason: "not well-formed or refused XML", Err: err}
	}
	return fromTree(doc.Root())
}

func fromTree(root *etree.Element) (*List, error) {
	if root.Tag != "CodeList" || root.NamespaceURI() != NamespaceGenericode {
		return nil, &InvalidError{Path: "/" + root.FullTag(), Reason: "root element is not gc:CodeList"}
	}
	l := &List{colIdx: map[string]int{}, rowIdx: map[string]int{}}
	p := "/" + root.FullTag()
	id := root.SelectElement("Identification")
	if id == nil {
		return nil, &InvalidError{Path: p, Reason: "missing Identification"}
	}
	l.ShortName = text(id.SelectElement("ShortName"))
	l.LongName = text(id.SelectElement("LongName"))
	l.Version = text(id.SelectElement("Version"))
	l.CanonicalURI = text(id.SelectElement("CanonicalUri"))
	l.CanonicalVersionURI = text(id.SelectElement("CanonicalVersionUri"))
	if ag := id.SelectElement("Agency"); ag != nil {
		l.AgencyLongName = text(ag.SelectElement("LongName"))
	}
	if l.CanonicalURI == "" || l.Version == "" {
		return nil, &InvalidError{Path: p + "/Identification", Reason: "CanonicalUri and Version are required"}
	}
	if ann := root.SelectElement("Annotation"); ann != nil {
		if d := ann.SelectElement("Description"); d != nil {
			for _, e := range d.ChildElements() {
				if e.Tag == "versionHandbook" {
					l.HandbookVersion = strings.TrimSpace(e.Text())
				}
			}
		}
	}
	cs := root.SelectElement("ColumnSet")
	if cs == nil {
		return nil, &InvalidError{Path: p, Reason: "missing ColumnSet"}
	}
	keyCol, recommended := -1, false
	var keyRefs []string
	for _, e := range cs.ChildElements() {
		switch e.Tag {
		case "Column":
			c := Column{ID: e.SelectAttrValue("Id", ""), Required: e.SelectAttrValue("Use", "") == "required",
				ShortName: text(e.SelectElement("ShortName")), LongName: text(e.SelectElement("LongName"))}
			if d := e.SelectElement("Data"); d != nil {
				c.DataType = d.SelectAttrValue("Type", "")
				c.Lang = d.SelectAttrValue("Lang", "")
			}
			if c.ID == "" {
				return nil, &InvalidError{Path: p + "/ColumnSet/Column", Reason: "column without Id"}
			}
			if _, dup := l.colIdx[c.ID]; dup {
				return nil, &InvalidError{Path: p + "/ColumnSet/Column[@Id='" + c.ID + "']", Reason: "duplicate column Id"}
			}
			l.colIdx[c.ID] = len(l.columns)
			l.columns = append(l.columns, c)
		case "Key":
			ref := e.SelectElement("ColumnRef")
			if ref == nil {
				return nil, &InvalidError{Path: p + "/ColumnSet/Key", Reason: "key without ColumnRef"}
			}
			r := ref.SelectAttrValue("Ref", "")
			keyRefs = append(keyRefs, r)
			rec := e.FindElement("Annotation/AppInfo/recommendedKeyColumn") != nil
			if rec && !recommended {
				recommended = true
				keyRefs = append([]string{r}, keyRefs[:len(keyRefs)-1]...)
			}
		}
	}
	if len(l.columns) == 0 {
		return nil, &InvalidError{Path: p + "/ColumnSet", Reason: "no columns"}
	}
	if len(keyRefs) == 0 {
		return nil, &InvalidError{Path: p + "/ColumnSet", Reason: "no Key (Codelisten-Handbuch requires a key column)"}
	}
	i, ok := l.colIdx[keyRefs[0]]
	if !ok {
		return nil, &InvalidError{Path: p + "/ColumnSet/Key", Reason: "key refers to unknown column " + quote(keyRefs[0])}
	}
	keyCol = i
	l.keyCol = keyCol

	scl := root.SelectElement("SimpleCodeList")
	if scl == nil {
		return nil, &InvalidError{Path: p, Reason: "missing SimpleCodeList"}
	}
	n := 0
	for _, row := range scl.ChildElements() {
		if row.Tag != "Row" {
			continue
		}
		n++
		rp := fmt.Sprintf("%s/SimpleCodeList/Row[%d]", p, n)
		vals := make([]string, len(l.columns))
		set := make([]bool, len(l.columns))
		next := 0
		for _, v := range row.ChildElements() {
			if v.Tag != "Value" {
				continue
			}
			ci := next
			if ref := v.SelectAttrValue("ColumnRef", ""); ref != "" {
				ci, ok = l.colIdx[ref]
				if !ok {
					return nil, &InvalidError{Path: rp, Reason: "value for unknown column " + quote(ref)}
				}
			}
			if ci >= len(l.columns) {
				return nil, &InvalidError{Path: rp, Reason: "more values than columns"}
			}
			if set[ci] {
				return nil, &InvalidError{Path: rp, Reason: "two values for column " + quote(l.columns[ci].ID)}
			}
			next = ci + 1
			sv := v.SelectElement("SimpleValue")
			if sv == nil {
				if v.SelectElement("ComplexValue") != nil {
					return nil, &InvalidError{Path: rp, Reason: "ComplexValue is not supported"}
				}
				continue // an empty Value states that the column has no value
			}
			vals[ci], set[ci] = sv.Text(), true
		}
		for ci, c := range l.columns {
			if c.Required && !set[ci] {
				return nil, &InvalidError{Path: rp, Reason: "missing required column " + quote(c.ID)}
			}
		}
		key := vals[keyCol]
		if key == "" {
			return nil, &InvalidError{Path: rp, Reason: "empty key"}
		}
		if _, dup := l.rowIdx[key]; dup {
			return nil, &InvalidError{Path: rp, Reason: "duplicate key " + quote(key)}
		}
		l.rowIdx[key] = len(l.rows)
		l.rows = append(l.rows, vals)
	}
	return l, nil
}

func text(e *etree.Element) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.Text())
}

func quote(s string) string { return redact.Quote(s, 64) }
