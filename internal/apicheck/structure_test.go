package apicheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Rule names of the module's structure rules.
const (
	RuleDocGo     = "doc.go"
	RulePanic     = "panic"
	RuleImportDir = "import-direction"
)

// allowedSiblings lists, per top-level package, the top-level packages of
// the module its library code may import (design.md "Layout and imports"):
// signature is the base, xoev and signature do not import each other, and
// account, payment, notify and fitconnect may import signature only.
// internal/ is shared by all; examples compose freely.
var allowedSiblings = map[string][]string{
	"signature":  nil,
	"xoev":       nil,
	"account":    {"signature"},
	"payment":    {"signature"},
	"notify":     {"signature"},
	"fitconnect": {"signature"},
	"database":   nil,
}

// CheckStructure returns the structure violations of p: no doc.go with a
// "# Security" section, a panic call in library code, an import against
// the one-way rule.
func CheckStructure(fset *token.FileSet, modPath string, p Package) []Violation {
	var out []Violation
	add := func(pos token.Pos, rule, format string, args ...any) {
		out = append(out, Violation{Pos: fset.Position(pos), Rule: rule, What: fmt.Sprintf(format, args...)})
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, modPath), "/")
	top, _, _ := strings.Cut(rel, "/")
	allowed, ruled := allowedSiblings[top]
	hasDoc := false
	for _, f := range p.Files {
		name := filepath.Base(fset.Position(f.Package).Filename)
		if name == "doc.go" {
			hasDoc = f.Doc != nil && strings.Contains(f.Doc.Text(), "# Security")
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !ruled || !strings.HasPrefix(path, modPath+"/") {
				continue
			}
			otherTop, _, _ := strings.Cut(strings.TrimPrefix(path, modPath+"/"), "/")
			if otherTop == top || otherTop == "internal" || slices.Contains(allowed, otherTop) {
				continue
			}
			add(imp.Pos(), RuleImportDir, "%s imports %s: library code of %s may import %v and internal/ only", p.ImportPath, path, top, allowed)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "panic" {
					add(c.Pos(), RulePanic, "panic in library code: bad input gets a typed error")
				}
			}
			return true
		})
	}
	if !hasDoc && len(p.Files) > 0 {
		add(p.Files[0].Package, RuleDocGo, "%s has no doc.go with a # Security section", p.ImportPath)
	}
	return out
}

// TestModuleStructure checks every library package of the module.
func TestModuleStructure(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	pkgs, err := loadModule(fset, root)
	require.NoError(t, err)
	modPath, err := modulePath(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	for _, p := range pkgs {
		for _, v := range CheckStructure(fset, modPath, p) {
			t.Error(v)
		}
	}
}

func TestStructureRules(t *testing.T) {
	t.Parallel()
	const mod = "example.org/m"
	parse := func(t *testing.T, files map[string]string) []string {
		t.Helper()
		fset := token.NewFileSet()
		p := Package{ImportPath: mod + "/payment/x"}
		for name, src := range files {
			f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
			require.NoError(t, err)
			p.Files = append(p.Files, f)
		}
		var rules []string
		for _, v := range CheckStructure(fset, mod, p) {
			rules = append(rules, v.Rule)
		}
		return rules
	}
	doc := "// Package x.\n//\n// # Security\n//\n// Nothing.\npackage x\n"
	tests := map[string]struct {
		files map[string]string
		want  []string
	}{
		"clean":                   {map[string]string{"doc.go": doc, "x.go": "package x\nimport _ \"example.org/m/signature\"\nimport _ \"example.org/m/internal/y\"\n"}, nil},
		"no doc.go":               {map[string]string{"x.go": "// Package x.\npackage x\n"}, []string{RuleDocGo}},
		"doc.go without Security": {map[string]string{"doc.go": "// Package x.\npackage x\n"}, []string{RuleDocGo}},
		"panic":                   {map[string]string{"doc.go": doc, "x.go": "package x\nfunc f() { panic(\"bad input\") }\n"}, []string{RulePanic}},
		"sibling import":          {map[string]string{"doc.go": doc, "x.go": "package x\nimport _ \"example.org/m/notify\"\n"}, []string{RuleImportDir}},
		"public database import":  {map[string]string{"doc.go": doc, "x.go": "package x\nimport _ \"example.org/m/database\"\n"}, []string{RuleImportDir}},
		"xoev import":             {map[string]string{"doc.go": doc, "x.go": "package x\nimport _ \"example.org/m/xoev/xsd\"\n"}, []string{RuleImportDir}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, parse(t, tc.files))
		})
	}
}
