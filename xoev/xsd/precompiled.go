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
	"sort"

	"github.com/egosaar/ozg/internal/boundedio"
)

// The precompiled form (Config.Precompiled) spares a process the dominant
// start-up cost of a large schema set: reading, annotation stripping and
// tokenising its documents. It holds each parsed document tree with the
// SHA-256 of the file it came from:
//
//	magic "ozg-xsd-precompiled/1\n"
//	uvarint MaxContentStates the set compiled under
//	uvarint n, n strings (uvarint length, bytes)        string table
//	uvarint m, m documents:
//	  path (string index), SHA-256 (32 bytes), size (uvarint), tree
//	tree: tag, namespace (string indexes), uvarint a, a × (space, key,
//	      value string indexes), uvarint k, k subtrees
//
// Compile verifies every document's hash against the file in the fs.FS
// before it uses any tree, so the form is a cache of parse results keyed
// by content: a changed file makes Compile fail, it never mixes old trees
// with new files. Since the form is only made from a set that compiled in
// full, Compile defers what cannot fail for it and dominates what is left
// of the start-up: content automata (built on a type's first use) and
// pattern matchers (on a pattern's first use), unless the caller's
// MaxContentStates is below the one the form was made under (then
// everything is built eagerly, as from the files).
//
// The form is trusted like the schema files themselves (it is built and
// embedded with them): the hashes guard against a stale form, not against
// a forged one. A malformed form is refused with ErrSchema; decoding never
// panics and bounds counts by the remaining input.
//
// The encoding is deterministic (strings numbered in order
// of first use), so a test can compare a checked-in form with a fresh one.

const precompiledMagic = "ozg-xsd-precompiled/1\n"

// maxPrecompiledDepth bounds the tree depth accepted from a form (the
// parser's own default depth limit for schema documents is 256).
const maxPrecompiledDepth = 256

// Precompile compiles the schema set like Compile (and fails where Compile
// fails) and returns its precompiled form for Config.Precompiled. Call it
// at build time (go generate) and embed the result next to the files.
func Precompile(fsys fs.FS, entry string, cfg Config) ([]byte, error) {
	cfg.Precompiled = nil
	s, l, err := compile(fsys, entry, cfg)
	if err != nil {
		return nil, err
	}
	e := &formEncoder{index: map[string]uint64{}}
	seen := map[string]bool{}
	var body []byte
	var paths []string
	for _, d := range l.order {
		if !seen[d.path] {
			seen[d.path] = true
			paths = append(paths, d.path)
		}
	}
	sort.Strings(paths)
	body = binary.AppendUvarint(body, uint64(len(paths)))
	for _, p := range paths {
		data, err := l.read(p)
		if err != nil {
			return nil, &SchemaError{File: p, Msg: err.Error(), Err: ErrSchema}
		}
		var root *node
		for _, d := range l.order {
			if d.path == p {
				root = d.root
				break
			}
		}
		sum := sha256.Sum256(data)
		body = e.str(body, p)
		body = append(body, sum[:]...)
		body = binary.AppendUvarint(body, uint64(len(data)))
		body = e.tree(body, root)
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

func (e *formEncoder) tree(b []byte, n *node) []byte {
	b = e.str(b, n.Tag)
	b = e.str(b, n.space)
	b = binary.AppendUvarint(b, uint64(len(n.Attr)))
	for _, a := range n.Attr {
		b = e.str(b, a.Space)
		b = e.str(b, a.Key)
		b = e.str(b, a.Value)
	}
	b = binary.AppendUvarint(b, uint64(len(n.kids)))
	for _, k := range n.kids {
		b = e.tree(b, k)
	}
	return b
}

// errForm is the cause of a malformed form.
var errForm = errors.New("malformed precompiled form")

// formDoc is one document of a decoded form.
type formDoc struct {
	path string
	sum  [sha256.Size]byte
	size int64
	root *node
}

type formDecoder struct {
	data []byte
	strs []string
	slab []node // nodes are allocated in blocks
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

func (d *formDecoder) tree(parent *node, depth int) (*node, error) {
	if depth > maxPrecompiledDepth {
		return nil, errForm
	}
	if len(d.slab) == 0 {
		d.slab = make([]node, 256)
	}
	n := &d.slab[0]
	d.slab = d.slab[1:]
	n.parent = parent
	var err error
	if n.Tag, err = d.str(); err != nil {
		return nil, err
	}
	if n.space, err = d.str(); err != nil {
		return nil, err
	}
	na, err := d.count(3)
	if err != nil {
		return nil, err
	}
	if na > 0 {
		n.Attr = make([]nattr, na)
		for i := range n.Attr {
			a := &n.Attr[i]
			if a.Space, err = d.str(); err != nil {
				return nil, err
			}
			if a.Key, err = d.str(); err != nil {
				return nil, err
			}
			if a.Value, err = d.str(); err != nil {
				return nil, err
			}
		}
	}
	nk, err := d.count(4)
	if err != nil {
		return nil, err
	}
	if nk > 0 {
		n.kids = make([]*node, nk)
		for i := range n.kids {
			if n.kids[i], err = d.tree(n, depth+1); err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

// decodeForm parses a precompiled form; it never panics on bad input.
func decodeForm(data []byte) (docs []formDoc, maxStates uint64, err error) {
	if !bytes.HasPrefix(data, []byte(precompiledMagic)) {
		return nil, 0, errForm
	}
	d := &formDecoder{data: data[len(precompiledMagic):]}
	if maxStates, err = d.uvarint(); err != nil {
		return nil, 0, err
	}
	ns, err := d.count(1)
	if err != nil {
		return nil, 0, err
	}
	d.strs = make([]string, ns)
	all := string(d.data) // one allocation; the strings are slices of it
	for i := range d.strs {
		l, err := d.uvarint()
		if err != nil || l > uint64(len(d.data)) {
			return nil, 0, errForm
		}
		off := len(all) - len(d.data)
		d.strs[i] = all[off : off+int(l)]
		d.data = d.data[l:]
	}
	nd, err := d.count(sha256.Size + 3)
	if err != nil {
		return nil, 0, errForm
	}
	docs = make([]formDoc, nd)
	for i := range docs {
		fd := &docs[i]
		if fd.path, err = d.str(); err != nil {
			return nil, 0, err
		}
		if len(d.data) < sha256.Size {
			return nil, 0, errForm
		}
		copy(fd.sum[:], d.data)
		d.data = d.data[sha256.Size:]
		size, err := d.uvarint()
		if err != nil || size > 1<<40 {
			return nil, 0, errForm
		}
		fd.size = int64(size)
		if fd.root, err = d.tree(nil, 0); err != nil {
			return nil, 0, err
		}
	}
	if len(d.data) != 0 {
		return nil, 0, errForm
	}
	return docs, maxStates, nil
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

// closed is the done channel of a future that is ready.
var closed = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// usePrecompiled decodes cfg.Precompiled, verifies each document against
// its file in l.fsys and offers the trees to load as parsed documents. It
// reports whether compilation may defer automata and pattern matchers.
func (l *loader) usePrecompiled(form []byte) (bool, error) {
	docs, maxStates, err := decodeForm(form)
	if err != nil {
		return false, &SchemaError{Msg: "Config.Precompiled: " + err.Error(), Err: ErrSchema}
	}
	if len(docs) > l.cfg.MaxSchemaDocuments {
		return false, &SchemaError{Msg: fmt.Sprintf("Config.Precompiled: more than %d schema documents", l.cfg.MaxSchemaDocuments), Err: ErrLimit}
	}
	for _, fd := range docs {
		p := path.Clean(fd.path)
		if !fs.ValidPath(p) || p != fd.path {
			return false, &SchemaError{Msg: "Config.Precompiled: " + errForm.Error(), Err: ErrSchema}
		}
		size, sum, err := l.hash(p)
		if errors.Is(err, boundedio.ErrTooLarge) || fd.size > l.cfg.MaxSchemaBytes {
			return false, &SchemaError{File: p, Msg: fmt.Sprintf("schema document larger than %d bytes", l.cfg.MaxSchemaBytes), Err: ErrLimit}
		}
		if err != nil || size != fd.size || sum != fd.sum {
			return false, &SchemaError{File: p, Msg: "Config.Precompiled is stale: the file differs from the one it was made from (regenerate it)", Err: ErrSchema}
		}
		l.pre[p] = &future{done: closed, root: fd.root, size: fd.size}
		l.formPaths = append(l.formPaths, p)
	}
	return maxStates <= uint64(l.cfg.MaxContentStates), nil
}

// sameDocuments reports whether the loaded documents are exactly those of
// the precompiled form (a caller's catalog may lead elsewhere).
func (l *loader) sameDocuments() bool {
	loaded := map[string]bool{}
	for _, d := range l.order {
		loaded[d.path] = true
	}
	if len(loaded) != len(l.formPaths) {
		return false
	}
	for _, p := range l.formPaths {
		if !loaded[p] {
			return false
		}
	}
	return true
}
