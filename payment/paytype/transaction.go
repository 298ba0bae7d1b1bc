package paytype

import "time"

// Transaction is the stored state of one payment.
type Transaction struct {
	// Tenant is the opaque key of the tenant (municipality, Mandant) the
	// transaction belongs to; "" in a single-tenant deployment. The store
	// sets it from the view that inserted it (paystore.Store.ForTenant).
	Tenant           string
	RequestID        string
	Fingerprint      string
	Request          CreateRequest
	RequestTimestamp time.Time
	TransactionID    string
	TransactionURL   string
	PayURL           string
	Reference        string
	Status           Status // "" until the Bezahldienst confirmed the create
	StatusDetail     string
	PaymentMethod    string
	PaidAt           time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	ExpiresAt        time.Time
	NextCheckAt      time.Time
	CheckAttempts    int
}

// Clone returns a deep copy.
func (t *Transaction) Clone() *Transaction {
	if t == nil {
		return nil
	}
	c := *t
	c.Request = cloneRequest(t.Request)
	return &c
}

// Clone returns a deep copy of r (items, booking maps, requestor).
func (r *CreateRequest) Clone() *CreateRequest {
	c := cloneRequest(*r)
	return &c
}

func cloneRequest(r CreateRequest) CreateRequest {
	c := r
	c.Items = make([]Item, len(r.Items))
	for i, it := range r.Items {
		c.Items[i] = it
		if it.Booking.Extra != nil {
			m := make(map[string]string, len(it.Booking.Extra))
			for k, v := range it.Booking.Extra {
				m[k] = v
			}
			c.Items[i].Booking.Extra = m
		}
	}
	if r.Requestor != nil {
		q := *r.Requestor
		if q.Address != nil {
			a := *q.Address
			a.AddressLine = append([]string(nil), a.AddressLine...)
			q.Address = &a
		}
		c.Requestor = &q
	}
	return c
}
