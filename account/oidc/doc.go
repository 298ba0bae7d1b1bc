// Package oidc is an OpenID Connect relying party for state service
// accounts and Keycloak portals. It returns the same account.Identity and
// account.Level as package account/saml, so an application handles both
// protocols alike (and keeps its session with account.Sessions).
//
// Specifications: OpenID Connect Core 1.0 (incorporating errata set 2),
// OpenID Connect Discovery 1.0, OpenID Connect RP-Initiated Logout 1.0,
// OpenID Connect Back-Channel Logout 1.0, RFC 6749 (OAuth 2.0), RFC 7636
// (PKCE), RFC 7523 (JWT client authentication, private_key_jwt), RFC 9207
// (authorization server issuer identification), RFC 9700 (OAuth 2.0
// Security Best Current Practice), RFC 8725 (JWT Best Current Practices).
//
// Use: New(ctx, Config{Issuer, ClientID, ClientSecret or ClientKey,
// RedirectURL, Store: NewMemoryStore()}) discovers the provider;
// StartLogin redirects the user agent; FinishLogin, at RedirectURL, returns
// the *Login with the Identity; LogoutURL builds the RP-initiated logout
// redirect; BackChannelLogoutHandler receives the provider's logout
// tokens. Test against accounttest.StartOIDC.
//
// # Security
//
// Login: authorization code flow only, always with PKCE S256; state and
// nonce are fresh 256-bit values per login; the pending login is stored
// server-side (Store) and bound to the user agent by a random value in an
// HttpOnly cookie (__Host- prefix by default) whose SHA-256 the pending
// login holds, exactly as account/saml binds its RelayState: a response
// delivered to another browser fails (login CSRF, code injection; RFC 9700
// §4.5, §4.7). The state is single use. The RFC 9207 iss parameter is
// compared with the issuer and required when the provider advertises it
// (mix-up defence). Discovery refuses a document whose issuer differs
// from the configured one; endpoints must be https (plain http to
// loopback only with InsecureDevelopment).
//
// ID tokens are verified by one function in a fixed order (see
// Client.VerifyIDToken): sub, iss, aud, azp, alg allow-list (RS256, PS256,
// ES256; never none or HMAC, so a public key can never serve as an HMAC
// secret), exactly one signature (compact serialization only), exp/nbf
// with skew, iat window, nonce, acr → Level with the required minimum,
// auth_time against max_age, at_hash. Logout tokens have their own
// verifier (explicit typ logout+jwt, events claim, no nonce, jti replay
// memory) and can never pass as ID tokens nor the reverse (RFC 8725
// §3.11).
//
// Keys come only from the provider's jwks_uri (never jku, x5u or an
// embedded jwk); RSA keys below 2048 bit and curves other than P-256 are
// ignored. The key set is parsed with jwx and cached: a token whose kid
// is unknown triggers a refresh, but fetches happen at most once per
// Config.JWKSMinInterval and concurrent misses share one fetch, so a
// flood of unknown kids costs one fetch per interval. A token without kid
// is accepted only when exactly one key fits its algorithm. A failed fetch
// keeps the last good set and doubles the wait (up to 32 intervals).
//
// Every untrusted input is size-limited (Config.MaxBytes for documents,
// Config.MaxTokenBytes for JWTs, 4 KiB per callback parameter); errors are
// typed (*CheckError names the failed check, *ProviderError carries the
// provider's OAuth error) and never contain claim values. Check failures
// are logged as security events without personal data.
//
// Token endpoint authentication: client_secret_basic, client_secret_post
// or private_key_jwt (RFC 7523: iss = sub = client_id, aud = token
// endpoint, unique jti, one-minute lifetime, signed with jwx).
//
// Claims: StandardClaims maps the OIDC standard claims to account.Person;
// Config.Claims extends the mapping per provider; Config.ACRLevels maps
// acr values to levels. No state account publishes its claim set; the
// mapping was checked end to end against oidc-provider 9.13.3 only.
package oidc
