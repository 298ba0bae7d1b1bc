package main

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// bescheidPDF renders the building-permit notice (Bescheid) as a one-page
// PDF 1.4 document (ISO 32000-1 §7.5 file structure) with the standard
// Helvetica font in WinAnsiEncoding, so it needs no font files. It is the
// attachment the notifications carry.
func bescheidPDF(aktenzeichen, applicant, site string, issued time.Time) []byte {
	lines := []string{
		"Stadt Musterstadt - Bauaufsichtsbehoerde",
		"",
		"Baugenehmigung (Bescheid)",
		"",
		"Aktenzeichen: " + aktenzeichen,
		"Datum: " + issued.Format("02.01.2006"),
		"Antragsteller/in: " + applicant,
		"Baugrundstueck: " + site,
		"",
		"Die beantragte Baugenehmigung wird erteilt.",
		"Dieser Bescheid wurde elektronisch erstellt (Demonstration des ozg-SDK).",
	}
	return textPDF(lines)
}

// textPDF renders lines as a one-page PDF (see bescheidPDF).
func textPDF(lines []string) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 12 Tf 72 770 Td 16 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", pdfString(l))
	}
	content.WriteString("ET\n")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}

// pdfString escapes s for a PDF literal string and maps Latin-1 letters to
// WinAnsiEncoding octal escapes; other runes become '?'.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
