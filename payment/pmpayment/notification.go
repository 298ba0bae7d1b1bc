package pmpayment

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/egosaar/ozg/payment"
	"github.com/egosaar/ozg/payment/payprovider"
	"github.com/egosaar/ozg/payment/paytype"
)

// CreatedAtLayout is the layout of a notification's created_at
// ("2016-07-13 13:30:34").
const CreatedAtLayout = "2006-01-02 15:04:05"

// Notification is a parsed pmPayment notification (form POST to
// notifyURL). Only ParseNotification followed by VerifyPush authenticates
// it.
type Notification struct {
	AGS, TxID, Amount, Desc, Status, PaymentMethod, CreatedAt, Hash string
}

// Message is the string the notification hash covers:
// ags|txid|amount|desc|status|payment_method|created_at.
func (n *Notification) Message() string {
	return strings.Join([]string{n.AGS, n.TxID, n.Amount, n.Desc, n.Status, n.PaymentMethod, n.CreatedAt}, "|")
}

// Form returns the notification as form values.
func (n *Notification) Form() url.Values {
	f := url.Values{}
	f.Set("ags", n.AGS)
	f.Set("txid", n.TxID)
	f.Set("amount", n.Amount)
	f.Set("desc", n.Desc)
	f.Set("status", n.Status)
	f.Set("payment_method", n.PaymentMethod)
	f.Set("created_at", n.CreatedAt)
	f.Set("hash", n.Hash)
	return f
}

// maxField bounds each notification field.
const maxField = 512

// ParseNotification parses a raw x-www-form-urlencoded body. Every field
// must occur at most once and be at most 512 bytes; the body at most
// payment.MaxPushBody. It does not verify anything.
func ParseNotification(body []byte) (*Notification, error) {
	if len(body) > payment.MaxPushBody {
		return nil, fmt.Errorf("%w: body too large", payprovider.ErrInvalidPush)
	}
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("%w: form", payprovider.ErrInvalidPush)
	}
	get := func(k string, required bool) (string, error) {
		v := f[k]
		if len(v) > 1 {
			return "", fmt.Errorf("%w: field %s repeated", payprovider.ErrInvalidPush, k)
		}
		if len(v) == 0 || v[0] == "" {
			if required {
				return "", fmt.Errorf("%w: field %s missing", payprovider.ErrInvalidPush, k)
			}
			return "", nil
		}
		if len(v[0]) > maxField {
			return "", fmt.Errorf("%w: field %s too long", payprovider.ErrInvalidPush, k)
		}
		return v[0], nil
	}
	n := &Notification{}
	for _, x := range []struct {
		k   string
		dst *string
		req bool
	}{{"ags", &n.AGS, true}, {"txid", &n.TxID, true}, {"amount", &n.Amount, true}, {"desc", &n.Desc, false},
		{"status", &n.Status, true}, {"payment_method", &n.PaymentMethod, false}, {"created_at", &n.CreatedAt, true}, {"hash", &n.Hash, false}} {
		v, err := get(x.k, x.req)
		if err != nil {
			return nil, err
		}
		*x.dst = v
	}
	return n, nil
}

// VerifyPush implements payprovider.PushVerifier. It parses the raw body,
// requires a hash (a notification without one is refused: "strangely this
// hash is not sent by pmPayment" is no reason to accept unsigned input),
// verifies it against every push secret in constant time, then checks the
// AGS (another Mandant's push is ErrForeignTenant) and that created_at lies
// within the tolerance window.
func (p *Provider) VerifyPush(_ context.Context, in payprovider.PushInput) (*payprovider.Push, error) {
	if in.Method != "" && in.Method != "POST" {
		return nil, fmt.Errorf("%w: method", payprovider.ErrInvalidPush)
	}
	n, err := ParseNotification(in.Body)
	if err != nil {
		return nil, err
	}
	if n.Hash == "" {
		return nil, fmt.Errorf("%w: hash missing", payprovider.ErrInvalidSignature)
	}
	if err := p.push.Verify([]byte(n.Message()), n.Hash); err != nil {
		return nil, err
	}
	if n.AGS != p.cfg.AGS {
		return nil, payprovider.ErrForeignTenant
	}
	ts, err := time.ParseInLocation(CreatedAtLayout, n.CreatedAt, p.cfg.Location)
	if err != nil {
		return nil, fmt.Errorf("%w: created_at", payprovider.ErrInvalidPush)
	}
	now := p.cfg.Now()
	if now.Sub(ts) > p.cfg.Tolerance || ts.Sub(now) > p.cfg.FutureSkew {
		return nil, payprovider.ErrTooOld
	}
	if !digits(n.Amount) || len(n.Amount) > 12 {
		return nil, fmt.Errorf("%w: amount", payprovider.ErrInvalidPush)
	}
	cents, err := strconv.ParseInt(n.Amount, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: amount", payprovider.ErrInvalidPush)
	}
	var st paytype.Status
	switch n.Status {
	case "1":
		st = paytype.StatusPaid
	case "0":
		st = paytype.StatusFailed
	case "-1":
		st = paytype.StatusInitial
	default:
		return nil, fmt.Errorf("%w: %w", payprovider.ErrInvalidPush, paytype.ErrUnknownStatus)
	}
	return &payprovider.Push{
		EventID:   "pmpayment:" + n.AGS + ":" + n.TxID + ":" + n.Status + ":" + n.CreatedAt,
		RequestID: n.TxID, TransactionID: n.TxID, Status: st,
		Amount: paytype.Amount(cents), AmountReported: true,
		Currency:  paytype.EUR, // pmPayment amounts are euro cents by definition
		Timestamp: ts,
	}, nil
}

// SignNotification fills n.Hash with the HMAC-SHA256 under secret (for
// simulators and tests).
func SignNotification(n *Notification, secret payprovider.Secret) error {
	h, err := payprovider.HMACVerifier{Secrets: []payprovider.Secret{secret}}.Sign([]byte(n.Message()))
	if err != nil {
		return err
	}
	n.Hash = h
	return nil
}
