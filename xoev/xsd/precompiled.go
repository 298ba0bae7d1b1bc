package xsd

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/egosaar/ozg/internal/boundedio"
)

// The precompiled form (Precompile, Config.Precompiled, LoadPrecompiled)
// spares a process the whole start-up cost of a large schema set:
// reading, annotation stripping, tokenising and compiling its documents.
// It holds the compiled model itself, so loading it is a decode:
//
//	magic "ozg-xsd-precompiled/2\n"
//	uvarint MaxContentStates the set compiled under
//	uvarint n, n strings (uvarint length, bytes)        string table
//	key (string index): entry, catalog and options the set was made with
//	uvarint m, m files: path (string index), SHA-256 (32 bytes), size
//	model (form_encode.go): numbered components, the symbol spaces, then
//	the content automata (form_automaton.go)
//
// Compile with Config.Precompiled verifies every file's hash against the
// fs.FS before it uses the form (a stale form is ErrSchema, never a silent
// fallback) and takes the model when the set is the one the form was made
// from (same entry, catalog and options, MaxContentStates not below the
// form's); otherwise it compiles from the files. LoadPrecompiled skips the
// files altogether, for forms whose currency the caller vouches for (as
// package schemas does for the forms it embeds, checked by its tests).
//
// Content automata are decoded from the form, and patterns translated and
// compiled, on their first use: the form is only made from a set that
// compiled in full, so they cannot fail for it, and a process that
// validates one message touches only the few it needs. The form is trusted like the schema files themselves (it
// is built and embedded with them): the hashes guard against a stale
// form, not against a forged one. A malformed form is refused with
// ErrSchema; decoding never panics, bounds counts by the remaining input
// and refuses models the compiler never makes (missing references,
// cycles), see checkModel.
//
// The encoding is deterministic (strings and components numbered in order
// of first use from the sorted globals), so a test can compare a
// checked-in form with a fresh one.

const precompiledMagic = "ozg-xsd-precompiled/2\n"

// formKey identifies what, besides the files, determines a compiled set:
// the entry, the catalog and the options (after Config.Sources are
// mounted, which puts their names into the entry and catalog paths).
func formKey(entry string, cfg Config) string {
	var b strings.Builder
	b.WriteString(entry)
	fmt.Fprintf(&b, "\x00hints=%t", cfg.AbsoluteImportsAsHints)
	keys := make([]string, 0, len(cfg.Catalog))
	for k := range cfg.Catalog {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString("\x00" + k + "=" + cfg.Catalog[k])
	}
	return b.String()
}

// Precompile compiles the schema set like Compile (and fails where Compile
// fails) and returns its precompiled form for Config.Precompiled or
// LoadPrecompiled. Call it at build time (go generate) and embed the
// result next to the files.
func Precompile(fsys fs.FS, entry string, cfg Config) ([]byte, error) {
	cfg.Precompiled = nil
	s, l, err := compile(fsys, entry, cfg)
	if err != nil {
		return nil, err
	}
	e := &formEncoder{index: map[string]uint64{}}
	var paths []string
	for _, d := range l.order {
		paths = append(paths, d.path)
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	body := e.str(nil, l.key)
	body = binary.AppendUvarint(body, uint64(len(paths)))
	for _, p := range paths {
		size, sum, err := l.hash(p)
		if err != nil {
			return nil, &SchemaError{File: p, Msg: err.Error(), Err: ErrSchema}
		}
		body = e.str(body, p)
		body = append(body, sum[:]...)
		body = binary.AppendUvarint(body, uint64(size))
	}
	if body, err = encodeModel(e, body, s); err != nil {
		return nil, &SchemaError{Msg: "precompile: " + err.Error(), Err: ErrSchema}
	}
	out := []byte(precompiledMagic)
	out = binary.AppendUvarint(out, uint64(s.cfg.MaxContentStates))
	out = binary.AppendUvarint(out, uint64(len(e.strs)))
	for _, s := range e.strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return append(out, body...), nil
}

type formEncoder struct {
	strs  []string
	index map[string]uint64
}

func (e *formEncoder) str(b []byte, s string) []byte {
	i, ok := e.index[s]
	if !ok {
		i = uint64(len(e.strs))
		e.index[s] = i
		e.strs = append(e.strs, s)
	}
	return binary.AppendUvarint(b, i)
}

// errForm is the cause of a malformed form.
var errForm = errors.New("malformed precompiled form")

// formFile is one schema document a form was made from.
type formFile struct {
	path string
	sum  [sha256.Size]byte
	size int64
}

// formHeader is what precedes the model in a form.
type formHeader struct {
	maxStates uint64
	key       string
	files     []formFile
}

type formDecoder struct {
	data []byte
	strs []string
}

func (d *formDecoder) uvarint() (uint64, error) {
	v, n := binary.Uvarint(d.data)
	if n <= 0 {
		return 0, errForm
	}
	d.data = d.data[n:]
	return v, nil
}

// count reads a count of items that take at least min bytes each.
func (d *formDecoder) count(min int) (int, error) {
	v, err := d.uvarint()
	if err != nil || v > uint64(len(d.data)/min) {
		return 0, errForm
	}
	return int(v), nil
}

func (d *formDecoder) str() (string, error) {
	v, err := d.uvarint()
	if err != nil || v >= uint64(len(d.strs)) {
		return "", errForm
	}
	return d.strs[v], nil
}

// decodeHeader parses a form up to its model; it never panics on bad
// input.
func decodeHeader(data []byte) (*formHeader, *formDecoder, error) {
	if !bytes.HasPrefix(data, []byte(precompiledMagic)) {
		return nil, nil, errForm
	}
	d := &formDecoder{data: data[len(precompiledMagic):]}
	h := &formHeader{}
	var err error
	if h.maxStates, err = d.uvarint(); err != nil {
		return nil, nil, err
	}
	ns, err := d.count(1)
	if err != nil {
		return nil, nil, err
	}
	// The string table is copied into one string (the strings are slices
	// of it), the rest into a private slice: patterns and automata are
	// decoded from it on first use, after the caller may have reused form.
	table := d.data
	ends := make([]int, 2*ns) // start and end of each string in table
	for i := range ns {
		l, err := d.uvarint()
		if err != nil || l > uint64(len(d.data)) {
			return nil, nil, errForm
		}
		ends[2*i] = len(table) - len(d.data)
		d.data = d.data[l:]
		ends[2*i+1] = len(table) - len(d.data)
	}
	all := string(table[:len(table)-len(d.data)])
	d.data = bytes.Clone(d.data)
	d.strs = make([]string, ns)
	for i := range d.strs {
		d.strs[i] = all[ends[2*i]:ends[2*i+1]]
	}
	if h.key, err = d.str(); err != nil {
		return nil, nil, err
	}
	nf, err := d.count(sha256.Size + 2)
	if err != nil {
		return nil, nil, errForm
	}
	h.files = make([]formFile, nf)
	for i := range h.files {
		f := &h.files[i]
		if f.path, err = d.str(); err != nil {
			return nil, nil, err
		}
		if p := path.Clean(f.path); !fs.ValidPath(p) || p != f.path || len(d.data) < sha256.Size {
			return nil, nil, errForm
		}
		copy(f.sum[:], d.data)
		d.data = d.data[sha256.Size:]
		size, err := d.uvarint()
		if err != nil || size > 1<<40 {
			return nil, nil, errForm
		}
		f.size = int64(size)
	}
	return h, d, nil
}

// decodeForm parses a whole form into its header and a Schema without
// Config; it never panics on bad input.
func decodeForm(data []byte) (*formHeader, *Schema, []*complexType, error) {
	h, d, err := decodeHeader(data)
	if err != nil {
		return nil, nil, nil, err
	}
	s, complexes, err := d.model()
	if err != nil {
		return nil, nil, nil, err
	}
	return h, s, complexes, nil
}

// model decodes the rest of a form after its header: the model, with
// nothing after it.
func (d *formDecoder) model() (*Schema, []*complexType, error) {
	s, complexes, err := decodeModel(d)
	if err == nil && len(d.data) != 0 {
		err = errForm
	}
	return s, complexes, err
}

// checkLimits applies the caller's schema limits to the form's files.
func (h *formHeader) checkLimits(cfg Config) error {
	if len(h.files) > cfg.MaxSchemaDocuments {
		return &SchemaError{Msg: fmt.Sprintf("Config.Precompiled: more than %d schema documents", cfg.MaxSchemaDocuments), Err: ErrLimit}
	}
	for _, f := range h.files {
		if f.size > cfg.MaxSchemaBytes {
			return &SchemaError{File: f.path, Msg: fmt.Sprintf("schema document larger than %d bytes", cfg.MaxSchemaBytes), Err: ErrLimit}
		}
	}
	return nil
}

// hash returns the size and SHA-256 of the file at p, streamed (a schema
// set's files are hashed on every Compile from a form).
func (l *loader) hash(p string) (int64, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := l.fsys.Open(p)
	if err != nil {
		return 0, sum, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, l.cfg.MaxSchemaBytes+1))
	if err != nil {
		return 0, sum, err
	}
	if n > l.cfg.MaxSchemaBytes {
		return 0, sum, &boundedio.TooLargeError{Limit: l.cfg.MaxSchemaBytes}
	}
	h.Sum(sum[:0])
	return n, sum, nil
}

// fromForm verifies cfg.Precompiled against the files in l.fsys and
// returns its model when it is the set Compile would make (nil when it is
// not: then Compile goes on from the files).
func (l *loader) fromForm(form []byte) (*Schema, error) {
	h, d, err := decodeHeader(form)
	if err != nil {
		return nil, &SchemaError{Msg: "Config.Precompiled: " + err.Error(), Err: ErrSchema}
	}
	if err := h.checkLimits(l.cfg); err != nil {
		return nil, err
	}
	for _, f := range h.files {
		size, sum, err := l.hash(f.path)
		if errors.Is(err, boundedio.ErrTooLarge) {
			return nil, &SchemaError{File: f.path, Msg: fmt.Sprintf("schema document larger than %d bytes", l.cfg.MaxSchemaBytes), Err: ErrLimit}
		}
		if err != nil || size != f.size || sum != f.sum {
			return nil, &SchemaError{File: f.path, Msg: "Config.Precompiled is stale: the file differs from the one it was made from (regenerate it)", Err: ErrSchema}
		}
	}
	if h.key != l.key || h.maxStates > uint64(l.cfg.MaxContentStates) {
		return nil, nil
	}
	s, complexes, err := d.model()
	if err != nil {
		return nil, &SchemaError{Msg: "Config.Precompiled: " + err.Error(), Err: ErrSchema}
	}
	s.cfg = l.cfg
	if err := prepareModels(complexes, h.maxStates, l.cfg); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadPrecompiled returns the schema set of a form made by Precompile
// without reading the schema files it was made from: the caller vouches
// that the form is current, as package schemas does for the forms it
// embeds beside its files (its tests fail when one is stale). Use Compile
// with Config.Precompiled to have the form checked against the files.
//
// cfg's validation settings and schema limits apply; its Catalog,
// Sources, AbsoluteImportsAsHints and Precompiled must be zero, since the
// form fixes the set (ErrInvalidConfig otherwise). A MaxContentStates
// below the one the form was made under builds every content automaton
// up front, failing like Compile with ErrUnsupported where one is too
// large. A malformed form is ErrSchema.
func LoadPrecompiled(form []byte, cfg Config) (*Schema, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Catalog != nil || cfg.Sources != nil || cfg.AbsoluteImportsAsHints || cfg.Precompiled != nil {
		return nil, fmt.Errorf("%w: LoadPrecompiled takes no Catalog, Sources, AbsoluteImportsAsHints or Precompiled (the form fixes the schema set)", ErrInvalidConfig)
	}
	cfg = cfg.withDefaults()
	h, s, complexes, err := decodeForm(form)
	if err != nil {
		return nil, &SchemaError{Msg: "precompiled form: " + err.Error(), Err: ErrSchema}
	}
	if err := h.checkLimits(cfg); err != nil {
		return nil, err
	}
	s.cfg = cfg
	if err := prepareModels(complexes, h.maxStates, cfg); err != nil {
		return nil, err
	}
	return s, nil
}
