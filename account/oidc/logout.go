package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/replay"
)

// backchannelEvent is the event URI of OIDC Back-Channel Logout 1.0 §2.4.
const backchannelEvent = "http://schemas.openid.net/event/backchannel-logout"

// LogoutToken is a verified back-channel logout token: end the sessions
// of Subject at Issuer, or only session SessionID when it is set.
type LogoutToken struct {
	Issuer    string
	Subject   string // "" if the provider sent only sid
	SessionID string // "" if the provider sent only sub
	IssuedAt  time.Time
	ID        string // jti
}

// VerifyLogoutToken verifies a back-channel logout token (OIDC
// Back-Channel Logout 1.0 §2.6) in this order: size and form; typ header
// "logout+jwt" (§2.4, RFC 8725 §3.11 explicit typing); iss; aud; azp;
// alg allow-list; signature; exp (if present), nbf and iat window as for
// ID tokens; events contains the back-channel logout event with a JSON
// object; no nonce (§2.4: an ID token is never a logout token); sub or
// sid present (sub at most 255 ASCII characters); jti present and not
// seen before within the token's lifetime (replay; fail closed when the
// memory is full). A token is remembered only after every other check
// passed.
func (c *Client) VerifyLogoutToken(ctx context.Context, raw string) (_ *LogoutToken, err error) {
	ctx, op := c.tel.Start(ctx, opLogout, trace.SpanKindServer)
	defer endLogin(op, &err)
	const tok = "logout_token"
	j, cl, err := c.parse(tok, raw)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(j.header.Typ, "logout+jwt") && !strings.EqualFold(j.header.Typ, "application/logout+jwt") {
		return nil, checkf(tok, "typ", ErrTokenType, "typ is not logout+jwt")
	}
	if err := c.checkIssAudAzp(tok, cl); err != nil {
		return nil, err
	}
	if err := c.checkSignature(ctx, tok, j); err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	if err := c.checkTimes(tok, cl, now, false); err != nil {
		return nil, err
	}
	ev, ok := cl.Events[backchannelEvent]
	var obj map[string]json.RawMessage
	if !ok || json.Unmarshal(ev, &obj) != nil || obj == nil {
		return nil, check(tok, "events", ErrEvents)
	}
	if cl.Nonce != nil {
		return nil, checkf(tok, "nonce", ErrNonce, "logout token must not carry a nonce")
	}
	sub := ""
	if cl.Sub != nil {
		if !validSubject(*cl.Sub) {
			return nil, check(tok, "sub", ErrSubject)
		}
		sub = *cl.Sub
	}
	if sub == "" && cl.Sid == "" {
		return nil, checkf(tok, "sub", ErrSubject, "neither sub nor sid")
	}
	if cl.Jti == "" || len(cl.Jti) > 256 {
		return nil, checkf(tok, "jti", ErrMalformed, "jti missing")
	}
	// Remember until the token cannot be accepted any more.
	until := cl.Iat.Add(c.cfg.IssuedAtWindow + 2*c.cfg.ClockSkew)
	if cl.Exp != nil && cl.Exp.Add(c.cfg.ClockSkew).After(until) {
		until = cl.Exp.Add(c.cfg.ClockSkew)
	}
	if err := c.logoutSeen.Add(cl.Iss+"\x00"+cl.Jti, now, until); err != nil {
		if errors.Is(err, replay.ErrFull) {
			return nil, checkf(tok, "jti", ErrStoreFull, "replay memory full")
		}
		c.cfg.Logger.WarnContext(ctx, "oidc: logout token replayed")
		return nil, check(tok, "jti", ErrReplay)
	}
	return &LogoutToken{Issuer: cl.Iss, Subject: sub, SessionID: cl.Sid, IssuedAt: cl.Iat.Time, ID: cl.Jti}, nil
}

// BackChannelLogoutHandler returns the handler for the provider's
// back-channel logout POST (§2.5): it verifies logout_token and calls end
// (e.g. account.Sessions.EndProviderSessions). It answers 200 on success,
// 400 with {"error":"invalid_request"} for a token that fails
// verification, and 501 when end fails (the provider may retry).
func (c *Client) BackChannelLogoutHandler(end func(ctx context.Context, t *LogoutToken) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "", http.StatusMethodNotAllowed)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, int64(c.cfg.MaxTokenBytes)*2)
		if err := r.ParseForm(); err != nil || len(r.PostForm["logout_token"]) != 1 {
			writeLogoutError(w)
			return
		}
		t, err := c.VerifyLogoutToken(r.Context(), r.PostForm.Get("logout_token"))
		if err != nil {
			var ce *CheckError
			chk := ""
			if errors.As(err, &ce) {
				chk = ce.Check
			}
			c.cfg.Logger.WarnContext(r.Context(), "oidc: logout token rejected", "check", chk)
			writeLogoutError(w)
			return
		}
		if err := end(r.Context(), t); err != nil {
			c.cfg.Logger.ErrorContext(r.Context(), "oidc: ending sessions failed", "err", err)
			http.Error(w, "", http.StatusNotImplemented)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

func writeLogoutError(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(`{"error":"invalid_request"}`))
}

// LogoutURL returns the provider's end_session_endpoint URL for
// RP-initiated logout (OIDC RP-Initiated Logout 1.0 §2) with
// id_token_hint, client_id, post_logout_redirect_uri (if configured) and
// state (if not empty). End the local session before redirecting there.
func (c *Client) LogoutURL(idTokenHint, state string) (string, error) {
	if c.meta.EndSessionEndpoint == "" {
		return "", fmt.Errorf("%w: provider has no end_session_endpoint", ErrInvalidConfig)
	}
	u, err := url.Parse(c.meta.EndSessionEndpoint)
	if err != nil {
		return "", fmt.Errorf("%w: end_session_endpoint", ErrInvalidConfig)
	}
	q := u.Query()
	q.Set("client_id", c.cfg.ClientID)
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	if c.cfg.PostLogoutRedirectURL != "" {
		q.Set("post_logout_redirect_uri", c.cfg.PostLogoutRedirectURL)
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
