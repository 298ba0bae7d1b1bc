package apicheck

import (
	"bufio"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)


// TestModuleConventions checks every package of the module.
func TestModuleConventions(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	pkgs, err := loadModule(fset, root)
	require.NoError(t, err)
	require.Greater(t, len(pkgs), 10, "the module's packages were not found")
	var all []Violation
	for _, p := range pkgs {
		all = append(all, Check(fset, p)...)
	}
	for _, v := range all {
		t.Error(v)
	}
}

// loadModule parses the non-test files of every package under root,
// skipping testdata, hidden folders and package main.
func loadModule(fset *token.FileSet, root string) ([]Package, error) {
	modPath, err := modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	byDir := map[string]*Package{}
	var order []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil
		}
		dir := filepath.Dir(path)
		p := byDir[dir]
		if p == nil {
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				return err
			}
			ip := modPath
			if rel != "." {
				ip += "/" + filepath.ToSlash(rel)
			}
			p = &Package{ImportPath: ip}
			byDir[dir] = p
			order = append(order, dir)
		}
		p.Files = append(p.Files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	pkgs := make([]Package, 0, len(order))
	for _, dir := range order {
		pkgs = append(pkgs, *byDir[dir])
	}
	return pkgs, nil
}

func modulePath(goMod string) (string, error) {
	f, err := os.Open(goMod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", os.ErrNotExist
}
