package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/egosaar/ozg/payment/paystore"
)

// Paging of the operator page. Each list shows a page (Portal.opPageSize,
// default opLimit rows) and, when there is more, a "next page" link
// /operator?gemeinde=ARS&liste=LIST&seite=TOKEN; the other lists then
// start from the beginning. The token wraps the list's own position: the
// payment store's opaque listing cursor (paystore.ListFilter.Cursor) for
// the payment lists, and for the portal's lists — submissions,
// deliveries, and notify's dead letters, whose query API has a limit and
// a time bound but no cursor — the portal's keyset (time, id) of the
// last row shown, with the row's tenant.
//
// The token is sealed with an HMAC-SHA256 keyed from the operator
// session's secret over the list, the view's tenant (ARS, "" across
// tenants) and the position: a token from another session, another
// list or another view, or a forged one, is refused with 400 and the
// page shows nothing. Since an operator can read their own session's
// secret (the CSRF token is in the page), the position is also checked
// against the view: a municipality's view takes only a position of its
// own tenant. A position only says where to continue; every query stays
// scoped to the view's tenant regardless.

// The paged lists (the liste parameter).
const (
	listSubmissions = "einreichungen"
	listDeliveries  = "zustellungen"
	listDeadLetters = "unzustellbar"
	listAnomalies   = "auffaelligkeiten"
	listOpen        = "offen"
)

var opLists = []string{listSubmissions, listDeliveries, listDeadLetters, listAnomalies, listOpen}

// errBadCursor is a page token that is malformed, forged, of another
// session, list or view, or positioned in another tenant.
var errBadCursor = errors.New("saarportal: invalid page cursor")

// opPage is the requested continuation: List from Pos ("" = no list
// continued).
type opPage struct {
	List, Pos string
}

// at returns the position for list ("" = from the start).
func (pg opPage) at(list string) string {
	if pg.List == list {
		return pg.Pos
	}
	return ""
}

// keyset is the portal's position in a list ordered by (T, ID).
type keyset struct {
	T      string `json:"t"`
	ID     string `json:"id"`
	Tenant string `json:"g"`
}

func (k keyset) encode() string {
	b, _ := json.Marshal(k) // strings only: never fails
	return string(b)
}

// decodeKeyset parses a position of the view ars ("" = across tenants);
// "" is the start (ok false).
func decodeKeyset(pos, ars string) (k keyset, ok bool, err error) {
	if pos == "" {
		return keyset{}, false, nil
	}
	if err := json.Unmarshal([]byte(pos), &k); err != nil || k.T == "" || k.ID == "" || len(k.ID) > 128 ||
		(ars != "" && k.Tenant != ars) {
		return keyset{}, false, errBadCursor
	}
	return k, true, nil
}

// checkPaymentCursor checks a payment listing cursor against the view.
func checkPaymentCursor(pos, ars string) error {
	c, ok, err := paystore.DecodeCursor(pos)
	if err != nil || (ok && ars != "" && c.Tenant != ars) {
		return errBadCursor
	}
	return nil
}

// pageMAC is the token's MAC: HMAC-SHA256 under a key derived from the
// session secret, over list, view and position.
func pageMAC(s *opSession, list, ars, pos string) []byte {
	k := sha256.Sum256([]byte("saarportal operator page cursor\x00" + s.csrf))
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte(list + "\x00" + ars + "\x00" + pos))
	return m.Sum(nil)
}

// sealPage returns the token for continuing list at pos in the view ars.
func sealPage(s *opSession, list, ars, pos string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(pos)) + "." +
		base64.RawURLEncoding.EncodeToString(pageMAC(s, list, ars, pos))
}

// openPage checks a token of list in the view ars and returns the
// position.
func openPage(s *opSession, list, ars, tok string) (opPage, error) {
	p, m, ok := strings.Cut(tok, ".")
	if !slices.Contains(opLists, list) || !ok || len(tok) > 1024 {
		return opPage{}, errBadCursor
	}
	pos, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil || len(pos) == 0 || !hmac.Equal(mac, pageMAC(s, list, ars, string(pos))) {
		return opPage{}, errBadCursor
	}
	// One token per position: the decoder skips line breaks and (unless
	// Strict) spare bits in the last character, so the token must be
	// spelled exactly as sealPage spells it.
	if base64.RawURLEncoding.EncodeToString(pos) != p || base64.RawURLEncoding.EncodeToString(mac) != m {
		return opPage{}, errBadCursor
	}
	return opPage{List: list, Pos: string(pos)}, nil
}

// nextLink is the href of the next page of list, or "" at the end.
func nextLink(s *opSession, list, ars, pos string) string {
	if pos == "" {
		return ""
	}
	q := url.Values{"liste": {list}, "seite": {sealPage(s, list, ars, pos)}}
	if ars != "" {
		q.Set("gemeinde", ars)
	}
	return "/operator?" + q.Encode()
}
