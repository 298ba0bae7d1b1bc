// Command xsdvalidate validates XML documents against an XML Schema with the
// pure-Go validator in xoev/xsd, offline. Its output mirrors
// `xmllint --noout --schema`: one "FILE validates" or "FILE fails to
// validate" line per document on stderr, violations before it.
//
// Usage:
//
//	xsdvalidate -bundle xbau-2.6 message.xml...
//	xsdvalidate -schema path/to/entry.xsd [-root dir] [-catalog uri=path]... message.xml...
//
// Exit status: 0 all valid, 1 some document invalid or unreadable, 2 usage
// or schema error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/egosaar/ozg/xoev/xsd"
	"github.com/egosaar/ozg/xoev/xsd/schemas"
)

func main() {
	// A short-lived process: trade memory for less GC work while the
	// schema set is compiled.
	debug.SetGCPercent(400)
	os.Exit(run(context.Background(), os.Args[1:], os.Stderr))
}

type catalogFlag map[string]string

func (c catalogFlag) String() string { return "" }

func (c catalogFlag) Set(v string) error {
	uri, p, ok := strings.Cut(v, "=")
	if !ok {
		return errors.New("want uri=path")
	}
	c[uri] = p
	return nil
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fl := flag.NewFlagSet("xsdvalidate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	bundle := fl.String("bundle", "", "bundled schema set: xbau-2.6, xwasser-1.0.0 or xdomea-3.0.0")
	schemaPath := fl.String("schema", "", "entry schema document on disk")
	root := fl.String("root", "", "directory the schema set may be read from (default: the entry's directory)")
	quiet := fl.Bool("q", false, "print only the verdict lines")
	catalog := catalogFlag{}
	fl.Var(catalog, "catalog", "map an absolute schemaLocation to a path under -root (uri=path, repeatable)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if (*bundle == "") == (*schemaPath == "") || fl.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: xsdvalidate (-bundle NAME | -schema FILE) document...")
		return 2
	}
	var b schemas.Bundle
	if *bundle != "" {
		found := false
		for _, x := range schemas.All() {
			if strings.EqualFold(strings.ReplaceAll(x.Name, " ", "-"), *bundle) {
				b, found = x, true
			}
		}
		if !found {
			fmt.Fprintf(stderr, "xsdvalidate: unknown bundle %q\n", *bundle)
			return 2
		}
	} else {
		dir := *root
		if dir == "" {
			dir = filepath.Dir(*schemaPath)
		}
		rel, err := filepath.Rel(dir, *schemaPath)
		if err != nil {
			fmt.Fprintf(stderr, "xsdvalidate: %v\n", err)
			return 2
		}
		b = schemas.Bundle{FS: os.DirFS(dir), Entry: filepath.ToSlash(rel), Catalog: catalog}
	}
	schema, err := b.Compile(xsd.Config{}) // bundled sets: from their precompiled form
	if err != nil {
		fmt.Fprintf(stderr, "xsdvalidate: %v\n", err)
		return 2
	}
	status := 0
	for _, name := range fl.Args() {
		err := validateFile(ctx, schema, name)
		if err == nil {
			fmt.Fprintf(stderr, "%s validates\n", name)
			continue
		}
		status = 1
		if !*quiet {
			var ve *xsd.ValidationError
			if errors.As(err, &ve) {
				for _, v := range ve.Violations {
					fmt.Fprintf(stderr, "%s:%d: %s: %s: %s\n", name, v.Line, v.Path, v.Constraint, v.Msg)
				}
			} else {
				fmt.Fprintf(stderr, "%s: %v\n", name, err)
			}
		}
		fmt.Fprintf(stderr, "%s fails to validate\n", name)
	}
	return status
}

func validateFile(ctx context.Context, schema *xsd.Schema, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return schema.Validate(ctx, f)
}
