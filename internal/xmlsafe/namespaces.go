package xmlsafe

// Namespace constraints of Namespaces in XML 1.0 (Third Edition). The tree
// keeps prefixes and xmlns attributes as written (etree resolves URIs on
// demand); here the document is only checked to be namespace-well-formed,
// so that every consumer (C14N, XPath-free lookups by namespace URI) sees
// each name bound to exactly one namespace. libxml2 reports the same
// violations as namespace errors. The syntax of the URI itself is not
// checked.

const (
	xmlNamespace   = "http://www.w3.org/XML/1998/namespace"
	xmlnsNamespace = "http://www.w3.org/2000/xmlns/"
	ruleNS         = "Namespace constraint"
)

// binding is one in-scope prefix declaration (the default namespace needs
// no check and is not recorded). prev is the index in parser.ns of the
// binding it shadows, or -1.
type binding struct {
	prefix, uri string
	prev        int
}

// bind pushes a declaration. parser.scope maps each prefix to its innermost
// binding, so that lookups cost O(1) however many declarations are in scope
// (a hostile document may nest MaxDepth levels of MaxAttributes each).
func (p *parser) bind(prefix, uri string) {
	if p.scope == nil {
		p.scope = make(map[string]int)
	}
	prev, ok := p.scope[prefix]
	if !ok {
		prev = -1
	}
	p.scope[prefix] = len(p.ns)
	p.ns = append(p.ns, binding{prefix: prefix, uri: uri, prev: prev})
}

// unbind drops the declarations made since the scope had n of them.
func (p *parser) unbind(n int) {
	for i := len(p.ns) - 1; i >= n; i-- {
		b := p.ns[i]
		if b.prev < 0 {
			delete(p.scope, b.prefix)
		} else {
			p.scope[b.prefix] = b.prev
		}
	}
	p.ns = p.ns[:n]
}

// declare records the namespace declarations among attrs (NS §3).
func (p *parser) declare(attrs []rawAttr, start int) error {
	for i := range attrs {
		a := &attrs[i]
		name := p.attrName(a)
		if name == "xmlns" {
			// NSC: Reserved Prefixes and Namespace Names.
			if v := p.attrValue(a); v == xmlNamespace || v == xmlnsNamespace {
				return p.errRule(start, ruleNS, "%s cannot be the default namespace (Namespaces in XML §3)", v)
			}
			if p.h != nil {
				p.bind("", p.attrValue(a)) // Stream resolves unprefixed names
			}
			continue
		}
		if a.colon != 5 || name[:5] != "xmlns" {
			continue
		}
		prefix, value := name[6:], p.attrValue(a)
		switch {
		case prefix == "xmlns":
			return p.errRule(start, ruleNS, "the prefix xmlns must not be declared (Namespaces in XML §3)")
		case prefix == "xml" && value != xmlNamespace:
			return p.errRule(start, ruleNS, "the prefix xml must not be bound to another namespace (Namespaces in XML §3)")
		case prefix != "xml" && (value == xmlNamespace || value == xmlnsNamespace):
			return p.errRule(start, ruleNS, "%s must not be bound to the prefix %s (Namespaces in XML §3)", value, prefix)
		case value == "":
			return p.errRule(start, ruleNS, "prefix %s must not be undeclared (Namespaces in XML §3, NSC: No Prefix Undeclaring)", prefix)
		}
		p.bind(prefix, value)
	}
	return nil
}

// scanBindings is how many innermost bindings resolve compares before it
// asks the map.
const scanBindings = 8

// resolve returns the namespace URI bound to prefix (NSC: Prefix Declared).
func (p *parser) resolve(prefix string, start int) (string, error) {
	if prefix == "xml" {
		return xmlNamespace, nil
	}
	// The innermost declarations first, by comparison (the usual document
	// declares a handful); the map bounds the cost of deep scopes.
	for i, n := len(p.ns)-1, 0; i >= 0 && n < scanBindings; i, n = i-1, n+1 {
		if p.ns[i].prefix == prefix {
			return p.ns[i].uri, nil
		}
	}
	if i, ok := p.scope[prefix]; ok && len(p.ns) > scanBindings {
		return p.ns[i].uri, nil
	}
	return "", p.errRule(start, ruleNS, "namespace prefix %s is not declared (Namespaces in XML §5, NSC: Prefix Declared)", prefix)
}

// checkNames applies NSC: Prefix Declared to the element name and the
// attribute names, and NSC: Attributes Unique (NS §6.3) to the attributes'
// expanded names.
func (p *parser) checkNames(name string, colon int, attrs []rawAttr, start int) error {
	if colon > 0 {
		prefix := name[:colon]
		if prefix == "xmlns" {
			return p.errRule(start, ruleNS, "element names must not have the prefix xmlns (Namespaces in XML §3)")
		}
		if _, err := p.resolve(prefix, start); err != nil {
			return err
		}
	}
	qualified := 0
	for i := range attrs {
		a := &attrs[i]
		if a.colon < 0 {
			continue
		}
		prefix := p.attrName(a)[:a.colon]
		if prefix == "xmlns" {
			continue
		}
		if _, err := p.resolve(prefix, start); err != nil {
			return err
		}
		qualified++
	}
	if qualified < 2 {
		return nil
	}
	// Two prefixed attributes may still name the same {URI}local pair
	// through different prefixes.
	if p.expanded == nil {
		p.expanded = make(map[[2]string]struct{}, qualified)
	}
	clear(p.expanded)
	for i := range attrs {
		a := &attrs[i]
		if a.colon < 0 {
			continue
		}
		name := p.attrName(a)
		prefix, local := name[:a.colon], name[a.colon+1:]
		if prefix == "xmlns" {
			continue
		}
		uri, _ := p.resolve(prefix, start)
		k := [2]string{uri, local}
		if _, dup := p.expanded[k]; dup {
			return p.errRule(start, ruleNS, "two attributes named {%s}%s (Namespaces in XML §6.3, NSC: Attributes Unique)", uri, local)
		}
		p.expanded[k] = struct{}{}
	}
	return nil
}
