package notify

import "fmt"

// MaxTenantLen bounds a tenant key (Event.Tenant).
const MaxTenantLen = 64

// ValidTenant reports whether key is a valid tenant key: empty (the
// default tenant of a single-tenant deployment) or 1 to 64 characters of
// [A-Za-z0-9._-]. The 12-digit Amtlicher Regionalschluessel (ARS) is the
// natural key of a municipality. The character set keeps a key out of
// every separator notify uses (endpoint and order keys) and safe in log
// lines and metric attributes.
func ValidTenant(key string) bool {
	if len(key) > MaxTenantLen {
		return false
	}
	for _, r := range key {
		if !(r == '_' || r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// TenantChannel is implemented by channels that send in the name of
// tenants: one sender identity (e-mail From, Postfach sender, webhook
// endpoints and their signing secrets) per tenant key. EnqueueTx refuses
// an event whose tenant a route's channel does not serve with a
// *TenantError, before anything is stored. A channel that does not
// implement it serves only the empty tenant, so an event of a tenant can
// never go out under a single-tenant channel's identity. ServesTenant
// must not do I/O.
type TenantChannel interface {
	// ServesTenant reports whether the channel has a sender identity for
	// tenant ("" is the channel's default identity, if it has one).
	ServesTenant(tenant string) bool
}

func servesTenant(ch Channel, tenant string) bool {
	if tc, ok := ch.(TenantChannel); ok {
		return tc.ServesTenant(tenant)
	}
	return tenant == ""
}

type scopeKind uint8

const (
	scopeNone scopeKind = iota
	scopeTenant
	scopeAll
)

// Scope is the tenant boundary of a query or an operator action: the
// delivery log, dead letters, replay, endpoint state and audit tokens.
// ForTenant(key) reads and changes that tenant's rows only; AllTenants()
// is the cross-tenant operator view, which must be chosen explicitly. The
// zero Scope names no tenant and is refused with a *ScopeError (wrapping
// ErrTenantRequired): a forgotten tenant never widens a query or a replay
// to every municipality.
type Scope struct {
	tenant string
	kind   scopeKind
}

// ForTenant scopes a call to one tenant ("" is the default tenant of a
// single-tenant deployment).
func ForTenant(tenant string) Scope { return Scope{tenant: tenant, kind: scopeTenant} }

// AllTenants scopes a call to every tenant (operators only).
func AllTenants() Scope { return Scope{kind: scopeAll} }

// Tenant returns the scope's tenant and whether it names exactly one.
func (s Scope) Tenant() (string, bool) { return s.tenant, s.kind == scopeTenant }

// String describes the scope for logs: tenant "…", all tenants, or none.
func (s Scope) String() string {
	switch s.kind {
	case scopeTenant:
		return fmt.Sprintf("tenant %q", s.tenant)
	case scopeAll:
		return "all tenants"
	}
	return "no tenant"
}

// check refuses the zero scope, an invalid tenant key, and AllTenants
// where op needs one tenant.
func (s Scope) check(op string, needOne bool) error {
	switch {
	case s.kind == scopeNone:
		return &ScopeError{Op: op, Reason: "no tenant: use ForTenant or AllTenants"}
	case s.kind == scopeTenant && !ValidTenant(s.tenant):
		return &ScopeError{Op: op, Reason: "invalid tenant key"}
	case s.kind == scopeAll && needOne:
		return &ScopeError{Op: op, Reason: "needs one tenant, not AllTenants"}
	}
	return nil
}

// cond returns the SQL condition of the scope on a table's tenant column
// ("1=1" for AllTenants) and its argument.
func (s Scope) cond() (string, []any) {
	if s.kind == scopeAll {
		return "1=1", nil
	}
	return "tenant = ?", []any{s.tenant}
}

// tenantKey prefixes key with the tenant: "channel:ref" for the default
// tenant (the key of rows written before tenancy), "tenant/channel:ref"
// otherwise. Unambiguous, since neither a tenant key nor a channel name
// contains '/' or ':'.
func tenantKey(tenant, key string) string {
	if tenant == "" {
		return key
	}
	return tenant + "/" + key
}
