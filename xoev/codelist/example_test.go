package codelist_test

import (
	"context"
	"fmt"
	"os"

	"github.com/egosaar/ozg/xoev/codelist"
)

// Load an offline bundle of genericode lists and look codes up; two
// versions of the erreichbarkeit list live side by side.
func Example() {
	ctx := context.Background()
	reg, err := codelist.New(codelist.Config{}) // no Fetcher: offline only
	if err != nil {
		panic(err)
	}
	if _, err := reg.LoadFS(ctx, os.DirFS("../standards/codelists"), "*.xml"); err != nil {
		panic(err)
	}
	xbau, err := reg.Get(ctx, "urn:xoev-de:xbau:codeliste:xbau-nachrichten", "4.0")
	if err != nil {
		panic(err)
	}
	root, _ := xbau.Value("0200", "beschreibung")
	fmt.Println(xbau.ShortName, xbau.Version, xbau.KeyColumn(), "0200 ->", root)
	fmt.Println(reg.Versions("urn:de:xoev:codeliste:erreichbarkeit"))
	_, err = reg.Get(ctx, "urn:xoev-de:kosit:codeliste:verzeichnisdienst", "1")
	fmt.Println(err)
	// Output:
	// xbau-nachrichten 4.0 code 0200 -> baugenehmigung.antrag.0200
	// [3 4]
	// codelist: code list "urn:xoev-de:kosit:codeliste:verzeichnisdienst" version "1" not found
}
