package paystore

import (
	"fmt"

	"github.com/egosaar/ozg/payment/paytype"
)

// MaxTenantLength bounds a tenant key.
const MaxTenantLength = 64

// CheckTenant validates a tenant key: "" (the single-tenant deployment)
// or 1 … MaxTenantLength characters of [A-Za-z0-9._-], e.g. an
// official regional key (Amtlicher Regionalschlüssel, 12 digits). A bad
// key is a *paytype.FieldError (paytype.ErrInvalidRequest).
func CheckTenant(tenant string) error {
	if len(tenant) > MaxTenantLength {
		return &paytype.FieldError{Field: "tenant", Reason: fmt.Sprintf("longer than %d characters", MaxTenantLength), Err: paytype.ErrInvalidRequest}
	}
	for i := 0; i < len(tenant); i++ {
		c := tenant[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return &paytype.FieldError{Field: "tenant", Reason: "only A-Z, a-z, 0-9, '.', '_' and '-'", Err: paytype.ErrInvalidRequest}
		}
	}
	return nil
}

// ScopeFilter applies a view's tenant to an operator listing's filter:
// the filter may name no tenant or the view's own, never another and
// never AllTenants (ErrForeignTenant). Store views call it first.
func ScopeFilter(f *ListFilter, tenant string) error {
	if f.AllTenants || f.Tenant != "" && f.Tenant != tenant {
		return fmt.Errorf("%w: listing of a tenant view names another tenant", ErrForeignTenant)
	}
	f.Tenant = tenant
	return nil
}
