package xoevtest

import (
	"strings"
)

// BillionLaughs returns the classic exponential entity expansion document.
func BillionLaughs() []byte {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
	prev := "lol"
	for i := 1; i <= 9; i++ {
		name := "lol" + string(rune('0'+i))
		sb.WriteString(`<!ENTITY ` + name + ` "` + strings.Repeat("&"+prev+";", 10) + `">`)
		prev = name
	}
	sb.WriteString(`]><lolz>&` + prev + `;</lolz>`)
	return []byte(sb.String())
}

// XXE returns a document that tries to include /etc/passwd through an
// external entity inside an XÖV-looking header.
func XXE() []byte {
	return []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
		`<xbau:baugenehmigung.antrag.0200 xmlns:xbau="http://www.xleitstelle.de/xbau/2/6" produkt="a" produkthersteller="b" standard="XBau-Hochbau" version="2.6">` +
		`<nachrichtenkopf.g2g><identifikation.nachricht><nachrichtenUUID>&xxe;</nachrichtenUUID></identifikation.nachricht></nachrichtenkopf.g2g></xbau:baugenehmigung.antrag.0200>`)
}

// DeepNesting returns a document nested depth elements deep.
func DeepNesting(depth int) []byte {
	return []byte(strings.Repeat("<a>", depth) + strings.Repeat("</a>", depth))
}

// ManyAttributes returns a root element with n attributes.
func ManyAttributes(n int) []byte {
	var sb strings.Builder
	sb.WriteString("<a")
	for i := 0; i < n; i++ {
		sb.WriteString(" a")
		sb.WriteString(strings.Repeat("x", 1+i/26))
		sb.WriteByte(byte('a' + i%26))
		sb.WriteString(`="1"`)
	}
	sb.WriteString("/>")
	return []byte(sb.String())
}
