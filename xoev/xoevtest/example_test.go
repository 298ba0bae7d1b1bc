package xoevtest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/egosaar/ozg/xoev"
	"github.com/egosaar/ozg/xoev/codelist"
	"github.com/egosaar/ozg/xoev/xoevtest"
)

// Hostile documents are refused with typed errors.
func ExampleBillionLaughs() {
	p, _ := xoev.New(xoev.Config{})
	_, err := p.Parse(context.Background(), xoevtest.BillionLaughs())
	fmt.Println(errors.Is(err, xoev.ErrDoctype))
	_, err = p.Parse(context.Background(), xoevtest.DeepNesting(10_000))
	fmt.Println(errors.Is(err, xoev.ErrLimit))
	// Output:
	// true
	// true
}

// The in-memory Fetcher stands in for the XRepository; Fail injects an
// outage.
func ExampleFetcher() {
	f := &xoevtest.Fetcher{Fail: true}
	reg, _ := codelist.New(codelist.Config{Fetcher: f})
	_, err := reg.Get(context.Background(), "urn:xoev-de:kosit:codeliste:verzeichnisdienst", "1")
	fmt.Println(errors.Is(err, codelist.ErrNotFound), errors.Is(err, xoevtest.ErrFetch), f.Calls)
	// Output:
	// true true 1
}
