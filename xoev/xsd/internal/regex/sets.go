package regex

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
)

type rng struct{ lo, hi rune }

// set is a list of code-point ranges; normalize sorts and merges it.
type set []rng

const maxRune = unicode.MaxRune

func normalize(s set) set {
	if len(s) == 0 {
		return nil
	}
	c := append(set(nil), s...)
	sort.Slice(c, func(i, j int) bool { return c[i].lo < c[j].lo })
	out := set{c[0]}
	for _, r := range c[1:] {
		last := &out[len(out)-1]
		if r.lo <= last.hi+1 {
			if r.hi > last.hi {
				last.hi = r.hi
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func complement(s set) set {
	s = normalize(s)
	var out set
	next := rune(0)
	for _, r := range s {
		if r.lo > next {
			out = append(out, rng{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= maxRune {
		out = append(out, rng{next, maxRune})
	}
	return out
}

func subtract(a, b set) set {
	// a ∩ ¬b
	return intersect(a, complement(b))
}

func intersect(a, b set) set {
	a, b = normalize(a), normalize(b)
	var out set
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo := max(a[i].lo, b[j].lo)
		hi := min(a[i].hi, b[j].hi)
		if lo <= hi {
			out = append(out, rng{lo, hi})
		}
		if a[i].hi < b[j].hi {
			i++
		} else {
			j++
		}
	}
	return out
}

func fromTable(t *unicode.RangeTable) set {
	var s set
	for _, r := range t.R16 {
		if r.Stride == 1 {
			s = append(s, rng{rune(r.Lo), rune(r.Hi)})
			continue
		}
		for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
			s = append(s, rng{c, c})
		}
	}
	for _, r := range t.R32 {
		if r.Stride == 1 {
			s = append(s, rng{rune(r.Lo), rune(r.Hi)})
			continue
		}
		for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
			s = append(s, rng{c, c})
		}
	}
	return normalize(s)
}

// XML 1.0 whitespace (XSD Part 2 F.1.1 "\s").
var spaceSet = set{{'\t', '\n'}, {'\r', '\r'}, {' ', ' '}}

// Name characters per XML 1.0 Fifth Edition §2.3 (NameStartChar / NameChar).
// libxml2 uses the same productions for XML 1.0 5th edition documents.
// They are built on first use (no start-up cost for a program that never
// compiles a pattern with \i or \c).
var nameStartSet = sync.OnceValue(func() set {
	return normalize(set{
		{':', ':'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}, {0xC0, 0xD6}, {0xD8, 0xF6},
		{0xF8, 0x2FF}, {0x370, 0x37D}, {0x37F, 0x1FFF}, {0x200C, 0x200D},
		{0x2070, 0x218F}, {0x2C00, 0x2FEF}, {0x3001, 0xD7FF}, {0xF900, 0xFDCF},
		{0xFDF0, 0xFFFD}, {0x10000, 0xEFFFF},
	})
})

var nameCharSet = sync.OnceValue(func() set {
	return normalize(append(append(set(nil), nameStartSet()...), set{
		{'-', '-'}, {'.', '.'}, {'0', '9'}, {0xB7, 0xB7}, {0x300, 0x36F}, {0x203F, 0x2040},
	}...))
})

// categoryC is XSD's "C" (Cc, Cf, Co, Cs and unassigned Cn).
func categoryC() set {
	assigned := set{}
	for _, n := range []string{"L", "M", "N", "P", "S", "Z"} {
		assigned = append(assigned, fromTable(unicode.Categories[n])...)
	}
	return complement(assigned)
}

// wordSet is \w = [#x0000-#x10FFFF]-[\p{P}\p{Z}\p{C}] (Part 2 F.1.1).
func wordSet() set {
	excl := append(append(fromTable(unicode.P), fromTable(unicode.Z)...), categoryC()...)
	return complement(excl)
}

func mustCategory(name string) set {
	s, err := property(name)
	if err != nil {
		return nil
	}
	return s
}

// property resolves the body of \p{...}: a general category or an "Is" block.
func property(name string) (set, error) {
	if strings.HasPrefix(name, "Is") {
		r, ok := blocks()[name[2:]]
		if !ok {
			return nil, fmt.Errorf("unknown or unsupported block escape \\p{%s}", name)
		}
		return set{r}, nil
	}
	switch name {
	case "C":
		return categoryC(), nil
	case "Cn":
		return complement(append(append(fromTable(unicode.L), fromTable(unicode.M)...),
			append(append(fromTable(unicode.N), fromTable(unicode.P)...),
				append(append(fromTable(unicode.S), fromTable(unicode.Z)...),
					append(append(fromTable(unicode.Cc), fromTable(unicode.Cf)...),
						append(fromTable(unicode.Co), fromTable(unicode.Cs)...)...)...)...)...)), nil
	}
	if len(name) < 1 || len(name) > 2 {
		return nil, fmt.Errorf("unknown category \\p{%s}", name)
	}
	t, ok := unicode.Categories[name]
	if !ok {
		return nil, fmt.Errorf("unknown category \\p{%s}", name)
	}
	return fromTable(t), nil
}

// blocks lists the block names of XSD Part 2 F.1.1 (Unicode 3.1 block
// ranges). Unlisted names are refused. The map is built on first use.
var blocks = sync.OnceValue(func() map[string]rng {
	return map[string]rng{
		"BasicLatin":                           {0x0000, 0x007F},
		"Latin-1Supplement":                    {0x0080, 0x00FF},
		"LatinExtended-A":                      {0x0100, 0x017F},
		"LatinExtended-B":                      {0x0180, 0x024F},
		"IPAExtensions":                        {0x0250, 0x02AF},
		"SpacingModifierLetters":               {0x02B0, 0x02FF},
		"CombiningDiacriticalMarks":            {0x0300, 0x036F},
		"Greek":                                {0x0370, 0x03FF},
		"Cyrillic":                             {0x0400, 0x04FF},
		"Armenian":                             {0x0530, 0x058F},
		"Hebrew":                               {0x0590, 0x05FF},
		"Arabic":                               {0x0600, 0x06FF},
		"Syriac":                               {0x0700, 0x074F},
		"Thaana":                               {0x0780, 0x07BF},
		"Devanagari":                           {0x0900, 0x097F},
		"Bengali":                              {0x0980, 0x09FF},
		"Gurmukhi":                             {0x0A00, 0x0A7F},
		"Gujarati":                             {0x0A80, 0x0AFF},
		"Oriya":                                {0x0B00, 0x0B7F},
		"Tamil":                                {0x0B80, 0x0BFF},
		"Telugu":                               {0x0C00, 0x0C7F},
		"Kannada":                              {0x0C80, 0x0CFF},
		"Malayalam":                            {0x0D00, 0x0D7F},
		"Sinhala":                              {0x0D80, 0x0DFF},
		"Thai":                                 {0x0E00, 0x0E7F},
		"Lao":                                  {0x0E80, 0x0EFF},
		"Tibetan":                              {0x0F00, 0x0FFF},
		"Myanmar":                              {0x1000, 0x109F},
		"Georgian":                             {0x10A0, 0x10FF},
		"HangulJamo":                           {0x1100, 0x11FF},
		"Ethiopic":                             {0x1200, 0x137F},
		"Cherokee":                             {0x13A0, 0x13FF},
		"UnifiedCanadianAboriginalSyllabics":   {0x1400, 0x167F},
		"Ogham":                                {0x1680, 0x169F},
		"Runic":                                {0x16A0, 0x16FF},
		"Khmer":                                {0x1780, 0x17FF},
		"Mongolian":                            {0x1800, 0x18AF},
		"LatinExtendedAdditional":              {0x1E00, 0x1EFF},
		"GreekExtended":                        {0x1F00, 0x1FFF},
		"GeneralPunctuation":                   {0x2000, 0x206F},
		"SuperscriptsandSubscripts":            {0x2070, 0x209F},
		"CurrencySymbols":                      {0x20A0, 0x20CF},
		"CombiningMarksforSymbols":             {0x20D0, 0x20FF},
		"LetterlikeSymbols":                    {0x2100, 0x214F},
		"NumberForms":                          {0x2150, 0x218F},
		"Arrows":                               {0x2190, 0x21FF},
		"MathematicalOperators":                {0x2200, 0x22FF},
		"MiscellaneousTechnical":               {0x2300, 0x23FF},
		"ControlPictures":                      {0x2400, 0x243F},
		"OpticalCharacterRecognition":          {0x2440, 0x245F},
		"EnclosedAlphanumerics":                {0x2460, 0x24FF},
		"BoxDrawing":                           {0x2500, 0x257F},
		"BlockElements":                        {0x2580, 0x259F},
		"GeometricShapes":                      {0x25A0, 0x25FF},
		"MiscellaneousSymbols":                 {0x2600, 0x26FF},
		"Dingbats":                             {0x2700, 0x27BF},
		"BraillePatterns":                      {0x2800, 0x28FF},
		"CJKRadicalsSupplement":                {0x2E80, 0x2EFF},
		"KangxiRadicals":                       {0x2F00, 0x2FDF},
		"IdeographicDescriptionCharacters":     {0x2FF0, 0x2FFF},
		"CJKSymbolsandPunctuation":             {0x3000, 0x303F},
		"Hiragana":                             {0x3040, 0x309F},
		"Katakana":                             {0x30A0, 0x30FF},
		"Bopomofo":                             {0x3100, 0x312F},
		"HangulCompatibilityJamo":              {0x3130, 0x318F},
		"Kanbun":                               {0x3190, 0x319F},
		"BopomofoExtended":                     {0x31A0, 0x31BF},
		"EnclosedCJKLettersandMonths":          {0x3200, 0x32FF},
		"CJKCompatibility":                     {0x3300, 0x33FF},
		"CJKUnifiedIdeographsExtensionA":       {0x3400, 0x4DB5},
		"CJKUnifiedIdeographs":                 {0x4E00, 0x9FFF},
		"YiSyllables":                          {0xA000, 0xA48F},
		"YiRadicals":                           {0xA490, 0xA4CF},
		"HangulSyllables":                      {0xAC00, 0xD7A3},
		"PrivateUse":                           {0xE000, 0xF8FF},
		"CJKCompatibilityIdeographs":           {0xF900, 0xFAFF},
		"AlphabeticPresentationForms":          {0xFB00, 0xFB4F},
		"ArabicPresentationForms-A":            {0xFB50, 0xFDFF},
		"CombiningHalfMarks":                   {0xFE20, 0xFE2F},
		"CJKCompatibilityForms":                {0xFE30, 0xFE4F},
		"SmallFormVariants":                    {0xFE50, 0xFE6F},
		"ArabicPresentationForms-B":            {0xFE70, 0xFEFE},
		"Specials":                             {0xFFF0, 0xFFFD},
		"HalfwidthandFullwidthForms":           {0xFF00, 0xFFEF},
		"OldItalic":                            {0x10300, 0x1032F},
		"Gothic":                               {0x10330, 0x1034F},
		"Deseret":                              {0x10400, 0x1044F},
		"ByzantineMusicalSymbols":              {0x1D000, 0x1D0FF},
		"MusicalSymbols":                       {0x1D100, 0x1D1FF},
		"MathematicalAlphanumericSymbols":      {0x1D400, 0x1D7FF},
		"CJKUnifiedIdeographsExtensionB":       {0x20000, 0x2A6D6},
		"CJKCompatibilityIdeographsSupplement": {0x2F800, 0x2FA1F},
		"Tags":                                 {0xE0000, 0xE007F},
	}
})
