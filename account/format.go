package account

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// The types below hold personal data. Each implements fmt.Formatter (and
// fmt.GoStringer for %#v), so that every fmt path — %v, %+v, %#v, %s, %q,
// Println, a panic message, a struct that embeds one, slog's text and JSON
// text handler — prints a redacted summary instead of names, dates or
// addresses. slog's JSON handler marshals a value that is not a
// slog.LogValuer with encoding/json: log *Identity, *Person and
// *Organisation (their LogValue redacts), not the struct values. Read the values through the fields
// (Claim.Value) where the application needs them.

// Format implements fmt.Formatter: provider, level, temporary, a keyed
// fingerprint of the subject and the number of invalid attributes; no
// personal data.
func (id Identity) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(id.summary())) }

// GoString implements fmt.GoStringer with the same redacted summary.
func (id Identity) GoString() string { return id.summary() }

// String returns the redacted summary.
func (id Identity) String() string { return id.summary() }

func (id Identity) summary() string {
	var b strings.Builder
	b.WriteString("account.Identity{provider=")
	b.WriteString(string(id.Provider))
	b.WriteString(" level=")
	b.WriteString(id.Level.String())
	b.WriteString(" temporary=")
	b.WriteString(strconv.FormatBool(id.Temporary))
	b.WriteString(" subject_fp=")
	b.WriteString(fingerprint(id.Subject))
	if n := len(id.InvalidAttributes); n > 0 {
		b.WriteString(" invalid_attributes=")
		b.WriteString(strconv.Itoa(n))
	}
	b.WriteString(" attributes=")
	b.WriteString(strconv.Itoa(len(id.Attributes)))
	b.WriteString(" <redacted>}")
	return b.String()
}

const redacted = "<redacted>"

// Format implements fmt.Formatter without personal data.
func (Person) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("account.Person{" + redacted + "}")) }

// GoString implements fmt.GoStringer without personal data.
func (Person) GoString() string { return "account.Person{" + redacted + "}" }

// Format implements fmt.Formatter without personal data.
func (Organisation) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte("account.Organisation{" + redacted + "}"))
}

// GoString implements fmt.GoStringer without personal data.
func (Organisation) GoString() string { return "account.Organisation{" + redacted + "}" }

// Format implements fmt.Formatter without personal data.
func (Address) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte("account.Address{" + redacted + "}"))
}

// GoString implements fmt.GoStringer without personal data.
func (Address) GoString() string { return "account.Address{" + redacted + "}" }

// Format implements fmt.Formatter without personal data.
func (MUKAddress) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte("account.MUKAddress{" + redacted + "}"))
}

// GoString implements fmt.GoStringer without personal data.
func (MUKAddress) GoString() string { return "account.MUKAddress{" + redacted + "}" }

// Format implements fmt.Formatter: the attribute Name, value count and
// level, never the values.
func (a Attribute) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(a.GoString())) }

// GoString implements fmt.GoStringer without the values.
func (a Attribute) GoString() string {
	return fmt.Sprintf("account.Attribute{Name:%q values=%d level=%s %s}", a.Name, len(a.Values)+len(a.Fields), a.Level, redacted)
}

// Format implements fmt.Formatter: whether the claim is set and its level,
// never the value (a claim may hold a name or an address).
func (c Claim[T]) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.GoString())) }

// GoString implements fmt.GoStringer without the value.
func (c Claim[T]) GoString() string {
	if !c.Set {
		return "account.Claim{unset}"
	}
	return "account.Claim{set level=" + c.Level.String() + " " + redacted + "}"
}

// LogValue implements slog.LogValuer without personal data (slog's JSON
// handler would otherwise marshal the fields).
func (p *Person) LogValue() slog.Value { return slog.StringValue("account.Person{" + redacted + "}") }

// LogValue implements slog.LogValuer without personal data.
func (o *Organisation) LogValue() slog.Value {
	return slog.StringValue("account.Organisation{" + redacted + "}")
}
