package paytype

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// fingerprintPrefix marks the length-prefixed fingerprint form. Stores
// may hold fingerprints of the earlier JSON form (64 hex digits, no
// prefix); MatchesFingerprint accepts both.
const fingerprintPrefix = "v2:"

// Fingerprint returns a stable SHA-256 over a canonical binary form of
// the request; two requests with the same fingerprint are the same
// request for idempotency.
//
// The form is unambiguous: every string is preceded by its length, every
// number is a fixed-width big-endian integer, optional parts (Requestor,
// Address) by a presence byte and lists and maps by their length, in the
// order of the struct fields; booking Extra entries are sorted by key. No
// two different requests share an encoding, so no value can be shifted
// into a neighbouring field. A nil and an empty Extra map or AddressLine
// are the same request (as in the JSON form before).
func (r *CreateRequest) Fingerprint() string {
	var buf [1024]byte
	sum := sha256.Sum256(fpRequest(buf[:0], r))
	var out [len(fingerprintPrefix) + 2*sha256.Size]byte
	copy(out[:], fingerprintPrefix)
	hex.Encode(out[len(fingerprintPrefix):], sum[:])
	return string(out[:])
}

// MatchesFingerprint reports whether fp is r's fingerprint: the current
// form of Fingerprint, or the JSON form that earlier versions stored.
func (r *CreateRequest) MatchesFingerprint(fp string) bool {
	if strings.HasPrefix(fp, fingerprintPrefix) {
		return fp == r.Fingerprint()
	}
	return fp != "" && fp == r.legacyFingerprint()
}

// legacyFingerprint is the SHA-256 of the request's JSON form (maps sorted
// by encoding/json), the fingerprint stored before the length-prefixed
// form.
func (r *CreateRequest) legacyFingerprint() string {
	b, err := json.Marshal(r)
	if err != nil {
		// CreateRequest holds only strings, ints and maps of strings.
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// The canonical form is built by appending to a byte slice (a stack
// buffer in Fingerprint; functions, not methods on a struct holding the
// slice, so that the buffer does not escape).

func fpStr(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

func fpNum(b []byte, n int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(n)) }

func fpFlag(b []byte, ok bool) []byte {
	if ok {
		return append(b, 1)
	}
	return append(b, 0)
}

func fpRequest(b []byte, r *CreateRequest) []byte {
	b = fpStr(b, r.IdempotencyKey)
	b = fpStr(b, string(r.Currency))
	b = fpNum(b, int64(r.Total))
	b = fpStr(b, r.Purpose)
	b = fpStr(b, r.Description)
	b = fpStr(b, r.RedirectURL)
	b = fpNum(b, int64(len(r.Items)))
	for i := range r.Items {
		b = fpItem(b, &r.Items[i])
	}
	b = fpFlag(b, r.Requestor != nil)
	if q := r.Requestor; q != nil {
		b = fpStr(b, q.Name)
		b = fpStr(b, q.FirstName)
		b = fpStr(b, q.Gender)
		b = fpFlag(b, q.IsOrganization)
		b = fpStr(b, q.OrganizationName)
		b = fpFlag(b, q.Address != nil)
		if a := q.Address; a != nil {
			b = fpStr(b, a.Street)
			b = fpStr(b, a.HouseNumber)
			b = fpNum(b, int64(len(a.AddressLine)))
			for _, l := range a.AddressLine {
				b = fpStr(b, l)
			}
			b = fpStr(b, a.PostalCode)
			b = fpStr(b, a.City)
			b = fpStr(b, a.Country)
		}
	}
	return b
}

func fpItem(b []byte, it *Item) []byte {
	b = fpStr(b, it.ID)
	b = fpStr(b, it.Reference)
	b = fpStr(b, it.Description)
	b = fpNum(b, int64(it.Quantity))
	b = fpNum(b, int64(it.TaxRate))
	b = fpNum(b, int64(it.SingleNet))
	b = fpNum(b, int64(it.SingleTax))
	b = fpNum(b, int64(it.TotalNet))
	b = fpNum(b, int64(it.TotalTax))
	bk := &it.Booking
	b = fpStr(b, bk.Kassenzeichen)
	b = fpStr(b, bk.Haushaltsstelle)
	b = fpStr(b, bk.Objektnummer)
	b = fpStr(b, bk.Buchungstext)
	b = fpStr(b, bk.Belegnummer)
	b = fpStr(b, string(bk.Faelligkeitsdatum))
	b = fpNum(b, int64(len(bk.Extra)))
	if len(bk.Extra) == 0 {
		return b
	}
	keys := make([]string, 0, len(bk.Extra))
	for k := range bk.Extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = fpStr(b, k)
		b = fpStr(b, bk.Extra[k])
	}
	return b
}
