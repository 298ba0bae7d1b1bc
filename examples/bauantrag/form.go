package main

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// antragForm is the form input of the application. Every field is
// checked by validate before it goes anywhere.
type antragForm struct {
	Strasse, Hausnummer, PLZ, Ort string // building site (Baugrundstück)
	Gemarkung, Flur, Flurstueck   string // cadastral parcel
	Vorhaben                      string // project title
}

func formFromValues(v url.Values) antragForm {
	f := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	return antragForm{
		Strasse: f("strasse"), Hausnummer: f("hausnummer"), PLZ: f("plz"), Ort: f("ort"),
		Gemarkung: f("gemarkung"), Flur: f("flur"), Flurstueck: f("flurstueck"), Vorhaben: f("vorhaben"),
	}
}

func (f antragForm) values() url.Values {
	return url.Values{
		"strasse": {f.Strasse}, "hausnummer": {f.Hausnummer}, "plz": {f.PLZ}, "ort": {f.Ort},
		"gemarkung": {f.Gemarkung}, "flur": {f.Flur}, "flurstueck": {f.Flurstueck}, "vorhaben": {f.Vorhaben},
	}
}

var (
	rePLZ        = regexp.MustCompile(`^[0-9]{5}$`)
	reFlur       = regexp.MustCompile(`^[0-9]{1,4}$`)
	reFlurstueck = regexp.MustCompile(`^[0-9]{1,6}(/[0-9]{1,4})?$`)
)

// validate returns a German message for the first invalid field, or "".
// Character repertoire (DIN 91379 datatype C) is checked by xoev when the
// message is built; here only presence, length and shape are checked.
func (f antragForm) validate() (field, msg string) {
	for _, c := range []struct {
		field, label, v string
		max             int
	}{
		{"strasse", "Straße", f.Strasse, 55},
		{"hausnummer", "Hausnummer", f.Hausnummer, 9},
		{"plz", "Postleitzahl", f.PLZ, 5},
		{"ort", "Ort", f.Ort, 40},
		{"gemarkung", "Gemarkung", f.Gemarkung, 40},
		{"flurstueck", "Flurstück", f.Flurstueck, 11},
		{"vorhaben", "Bezeichnung des Vorhabens", f.Vorhaben, 200},
	} {
		if c.v == "" {
			return c.field, "Bitte füllen Sie das Feld „" + c.label + "“ aus."
		}
		if utf8.RuneCountInString(c.v) > c.max {
			return c.field, "Das Feld „" + c.label + "“ ist zu lang."
		}
	}
	if !rePLZ.MatchString(f.PLZ) {
		return "plz", "Die Postleitzahl besteht aus fünf Ziffern."
	}
	if f.Flur != "" && !reFlur.MatchString(f.Flur) {
		return "flur", "Die Flur ist eine Zahl mit bis zu vier Ziffern."
	}
	if !reFlurstueck.MatchString(f.Flurstueck) {
		return "flurstueck", "Das Flurstück hat die Form Zähler oder Zähler/Nenner, z. B. 123/4."
	}
	return "", ""
}

// demoForm is what the guided tour and the browser test enter.
var demoForm = antragForm{
	Strasse: "Am Lindenhof", Hausnummer: "12", PLZ: "66111", Ort: "Musterstadt",
	Gemarkung: "Musterstadt", Flur: "3", Flurstueck: "123/4",
	Vorhaben: "Neubau eines Einfamilienhauses mit Garage",
}
