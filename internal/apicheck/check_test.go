package apicheck

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Violation is one place where a package breaks a convention.
type Violation struct {
	Pos  token.Position
	Rule string
	What string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s:%d: [%s] %s", v.Pos.Filename, v.Pos.Line, v.Rule, v.What)
}

// Rule names, as printed in a Violation.
const (
	RuleInvalidConfig = "ErrInvalidConfig"
	RuleErrConfig     = "ErrConfig"
	RuleInternalType  = "internal-type"
	RuleDevSwitch     = "dev-switch"
	RuleOutsideCite   = "outside-citation"
	RuleInternalDoc   = "internal-doc"
)

// Package is one parsed package: its non-test files.
type Package struct {
	ImportPath string
	Files      []*ast.File
}

// public reports whether importPath is importable from outside the module.
func public(importPath string) bool {
	for _, el := range strings.Split(importPath, "/") {
		if el == "internal" {
			return false
		}
	}
	return true
}

var (
	outsideCite  = regexp.MustCompile(`[A-Za-z0-9_-]+\.md\s*§|shared[/]reference`)
	internalRef  = regexp.MustCompile(`(^|[\s(\x60])internal/[a-z]`)
	retiredField = map[string]bool{"InsecureAllowHTTP": true, "InsecureCookie": true}
)

// Check returns the convention violations of p.
func Check(fset *token.FileSet, p Package) []Violation {
	var out []Violation
	add := func(pos token.Pos, rule, format string, args ...any) {
		out = append(out, Violation{Pos: fset.Position(pos), Rule: rule, What: fmt.Sprintf(format, args...)})
	}
	isPublic := public(p.ImportPath)
	var constructor *ast.FuncDecl
	hasErrInvalidConfig := false

	for _, f := range p.Files {
		for _, cg := range f.Comments {
			if m := outsideCite.FindString(cg.Text()); m != "" {
				add(cg.Pos(), RuleOutsideCite, "comment cites a file outside the repository (%q); cite the upstream specification or docs/", m)
			}
		}
		if !isPublic {
			continue
		}
		internalImports := internalImportNames(f)
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || (d.Recv != nil && !exportedRecv(d.Recv)) {
					continue
				}
				checkDoc(d.Doc, d.Name.Name, add)
				if constructor == nil && returnsError(d.Type) && isConstructor(d) {
					constructor = d
				}
				for _, sel := range internalSelectors(d.Type, internalImports) {
					add(sel.Pos(), RuleInternalType, "%s exposes internal type %s", funcName(d), exprString(sel))
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						doc := s.Doc
						if doc == nil {
							doc = d.Doc
						}
						checkDoc(doc, s.Name.Name, add)
						if s.Assign.IsValid() {
							for _, sel := range internalSelectors(s.Type, internalImports) {
								add(s.Pos(), RuleInternalType, "type %s aliases internal type %s", s.Name.Name, exprString(sel))
							}
							continue
						}
						checkType(s, internalImports, add)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if !n.IsExported() {
								continue
							}
							if n.Name == "ErrInvalidConfig" {
								hasErrInvalidConfig = true
							}
							if n.Name == "ErrConfig" {
								add(n.Pos(), RuleErrConfig, "ErrConfig: the module's one name is ErrInvalidConfig")
							}
							doc := s.Doc
							if doc == nil {
								doc = d.Doc
							}
							checkDoc(doc, n.Name, add)
							for _, sel := range internalSelectors(s.Type, internalImports) {
								add(n.Pos(), RuleInternalType, "%s has internal type %s", n.Name, exprString(sel))
							}
							for _, v := range s.Values {
								for _, sel := range internalSelectors(v, internalImports) {
									if isCompositeType(v, sel) {
										add(n.Pos(), RuleInternalType, "%s has internal type %s", n.Name, exprString(sel))
									}
								}
							}
						}
					}
				}
			}
		}
	}
	if isPublic && constructor != nil && !hasErrInvalidConfig {
		add(constructor.Pos(), RuleInvalidConfig, "package has constructor %s returning an error but no exported ErrInvalidConfig", funcName(constructor))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pos.Filename != out[j].Pos.Filename {
			return out[i].Pos.Filename < out[j].Pos.Filename
		}
		return out[i].Pos.Line < out[j].Pos.Line
	})
	return out
}

// checkType reports retired development knobs in Config structs and
// internal types in exported fields.
func checkType(s *ast.TypeSpec, internalImports map[string]string, add func(token.Pos, string, string, ...any)) {
	st, ok := s.Type.(*ast.StructType)
	if !ok {
		for _, sel := range internalSelectors(s.Type, internalImports) {
			add(s.Pos(), RuleInternalType, "type %s is defined on internal type %s", s.Name.Name, exprString(sel))
		}
		return
	}
	for _, field := range st.Fields.List {
		names := field.Names
		if len(names) == 0 { // embedded
			if sel, ok := unstar(field.Type).(*ast.SelectorExpr); ok && isInternalSel(sel, internalImports) {
				add(field.Pos(), RuleInternalType, "%s embeds internal type %s", s.Name.Name, exprString(sel))
			}
			continue
		}
		for _, n := range names {
			if !n.IsExported() {
				continue
			}
			if strings.HasSuffix(s.Name.Name, "Config") && retiredField[n.Name] {
				add(n.Pos(), RuleDevSwitch, "%s.%s: use InsecureDevelopment, the module's one development switch", s.Name.Name, n.Name)
			}
			for _, sel := range internalSelectors(field.Type, internalImports) {
				add(n.Pos(), RuleInternalType, "field %s.%s has internal type %s", s.Name.Name, n.Name, exprString(sel))
			}
		}
	}
}

func checkDoc(doc *ast.CommentGroup, name string, add func(token.Pos, string, string, ...any)) {
	if doc == nil {
		return
	}
	if m := internalRef.FindString(doc.Text()); m != "" {
		add(doc.Pos(), RuleInternalDoc, "doc comment of %s sends the reader to an internal package (%q)", name, strings.TrimSpace(m))
	}
}

// internalImportNames maps the local names of f's imports of internal
// packages to their paths.
func internalImportNames(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil || public(path) {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		m[name] = path
	}
	return m
}

func isInternalSel(sel *ast.SelectorExpr, internalImports map[string]string) bool {
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	_, ok = internalImports[id.Name]
	return ok && sel.Sel.IsExported()
}

// internalSelectors returns every pkg.Name in e whose pkg is an internal
// import. Function literals (bodies) are not part of an API and skipped.
func internalSelectors(e ast.Node, internalImports map[string]string) []*ast.SelectorExpr {
	if e == nil || len(internalImports) == 0 {
		return nil
	}
	var out []*ast.SelectorExpr
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit, *ast.BlockStmt:
			return false
		case *ast.SelectorExpr:
			if isInternalSel(x, internalImports) {
				out = append(out, x)
			}
		}
		return true
	})
	return out
}

// isCompositeType reports whether sel is the type of a composite literal
// in the value e: `var X = httpx.Backoff{}` exposes the internal type,
// while `const X = xmlsafe.DefaultMaxBytes` or `var X = httpx.F()` cannot be
// told apart from an untyped constant or a function by syntax alone.
func isCompositeType(e ast.Expr, sel *ast.SelectorExpr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if cl, ok := n.(*ast.CompositeLit); ok && unstar(cl.Type) == ast.Expr(sel) {
			found = true
		}
		return !found
	})
	return found
}

func unstar(e ast.Expr) ast.Expr {
	if s, ok := e.(*ast.StarExpr); ok {
		return s.X
	}
	return e
}

func isConstructor(d *ast.FuncDecl) bool {
	n := d.Name.Name
	if d.Recv != nil {
		// Config.Validate, BuilderConfig.Validate; not Schema.Validate(doc),
		// which validates input rather than configuration.
		return n == "Validate" && strings.HasSuffix(exprString(unstar(d.Recv.List[0].Type)), "Config")
	}
	return strings.HasPrefix(n, "New") || strings.HasPrefix(n, "Open") || n == "Validate"
}

func returnsError(ft *ast.FuncType) bool {
	if ft.Results == nil || len(ft.Results.List) == 0 {
		return false
	}
	id, ok := ft.Results.List[len(ft.Results.List)-1].Type.(*ast.Ident)
	return ok && id.Name == "error"
}

func exportedRecv(recv *ast.FieldList) bool {
	if len(recv.List) == 0 {
		return false
	}
	t := unstar(recv.List[0].Type)
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if ix, ok := t.(*ast.IndexListExpr); ok {
		t = ix.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.IsExported()
}

func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	return exprString(unstar(d.Recv.List[0].Type)) + "." + d.Name.Name
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.IndexExpr:
		return exprString(x.X)
	case *ast.IndexListExpr:
		return exprString(x.X)
	}
	return fmt.Sprintf("%T", e)
}
