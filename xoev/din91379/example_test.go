package din91379_test

import (
	"errors"
	"fmt"

	"github.com/egosaar/ozg/xoev/din91379"
)

func ExampleNormalizeC() {
	s, err := din91379.NormalizeC("Bauamt U\u0308ckendorf") // decomposed Ü
	fmt.Printf("%q %v\n", s, err)

	_, err = din91379.NormalizeC("Bauamt Ωmega")
	var ce *din91379.CharacterError
	if errors.As(err, &ce) {
		fmt.Printf("%U at %d: %v\n", ce.Rune, ce.Index, err)
	}
	// Output:
	// "Bauamt Ückendorf" <nil>
	// U+03A9 at 7: din91379: character U+03A9 at position 7 is not allowed in datatype C
}
