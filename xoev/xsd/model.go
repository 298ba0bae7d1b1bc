package xsd

import (
	"github.com/egosaar/ozg/xoev/xsd/internal/regex"
	"math/big"
)

// Namespaces with a fixed meaning (XML Schema Part 1 §3.15, §2.6).
const (
	nsXSD = "http://www.w3.org/2001/XMLSchema"
	nsXSI = "http://www.w3.org/2001/XMLSchema-instance"
	nsXML = "http://www.w3.org/XML/1998/namespace"
)

type qname struct{ ns, local string }

func (q qname) String() string {
	if q.ns == "" {
		return q.local
	}
	return "{" + q.ns + "}" + q.local
}

// typeDef is *simpleType or *complexType.
type typeDef interface{ typeName() qname }

type variety uint8

const (
	atomic variety = iota
	list
	union
)

type wsMode uint8

const (
	wsPreserve wsMode = iota
	wsReplace
	wsCollapse
)

// simpleType is a simple type definition (Part 1 §3.14) with its facets
// flattened along the derivation chain.
type simpleType struct {
	name    qname
	variety variety
	builtin builtinKind // nearest built-in ancestor (atomic) or bkAnySimple
	base    *simpleType
	item    *simpleType   // list
	members []*simpleType // union
	ws      wsMode
	f       facets
	final   derivSet
}

func (t *simpleType) typeName() qname { return t.name }

type facets struct {
	enum      map[string]struct{}
	enumLex   []string
	enumOwner string             // local name of the type that declares the enumeration ("" if anonymous)
	patterns  [][]*regex.Matcher // AND across derivation steps, OR within a step
	length    int                // -1 when absent
	minLength int
	maxLength int
	minInc    *big.Rat
	maxInc    *big.Rat
	minExc    *big.Rat
	maxExc    *big.Rat
	fMinInc   *float64
	fMaxInc   *float64
	fMinExc   *float64
	fMaxExc   *float64
	totalDig  int
	fracDig   int
}

func noFacets() facets {
	return facets{length: -1, minLength: -1, maxLength: -1, totalDig: -1, fracDig: -1}
}

type contentKind uint8

const (
	ctEmpty contentKind = iota
	ctSimple
	ctElementOnly
	ctMixed
)

type derivation uint8

const (
	derivNone derivation = iota
	derivExtension
	derivRestriction
)

type derivSet uint8

const (
	blockExtension derivSet = 1 << iota
	blockRestriction
	blockSubstitution
	blockList
	blockUnion
)

// complexType is a complex type definition (Part 1 §3.4).
type complexType struct {
	name      qname
	abstract  bool
	content   contentKind
	simple    *simpleType // ctSimple
	particle  *particle   // effective content model, nil when empty
	attrs     map[qname]*attrUse
	attrList  []*attrUse
	anyAttr   *wildcard
	base      typeDef
	method    derivation
	block     derivSet
	final     derivSet
	model     *dfa           // read through automaton()
	deferred  *deferredModel // non-nil: model is built on first use
	all       *allModel
	resolving bool
	done      bool
	src       *node
	doc       *schemaDoc
}

func (t *complexType) typeName() qname { return t.name }

type particleKind uint8

const (
	pElement particleKind = iota
	pWildcard
	pSequence
	pChoice
	pAll
)

const unbounded = -1

type particle struct {
	kind     particleKind
	min, max int
	elem     *elementDecl
	wc       *wildcard
	children []*particle
}

type processContents uint8

const (
	pcStrict processContents = iota
	pcLax
	pcSkip
)

// wildcard is a namespace constraint plus processContents (Part 1 §3.10).
type wildcard struct {
	any     bool
	not     []string // ##other: not these namespaces (and not absent)
	allowed map[string]bool
	process processContents
}

func (w *wildcard) allows(ns string) bool {
	if w.any {
		return true
	}
	if w.not != nil {
		if ns == "" {
			return false
		}
		for _, n := range w.not {
			if n == ns {
				return false
			}
		}
		return true
	}
	return w.allowed[ns]
}

// elementDecl is an element declaration (Part 1 §3.3).
type elementDecl struct {
	name     qname
	typ      typeDef
	nillable bool
	abstract bool
	fixed    *string
	deflt    *string
	global   bool
	block    derivSet
	head     *elementDecl
	members  []*elementDecl        // transitive substitution group members (non-abstract and abstract)
	idcs     []*identityConstraint // keys and keyrefs last-checked order: unique/key before keyref
	// resolution inputs
	src      *node
	doc      *schemaDoc
	resolved bool
	inProg   bool
}

// attrDecl is an attribute declaration (Part 1 §3.2).
type attrDecl struct {
	name  qname
	typ   *simpleType
	fixed *string
	deflt *string
}

// attrUse is an attribute use (Part 1 §3.5).
type attrUse struct {
	decl     *attrDecl
	required bool
	fixed    *string
	deflt    *string
}

func (u *attrUse) fixedValue() *string {
	if u.fixed != nil {
		return u.fixed
	}
	return u.decl.fixed
}
