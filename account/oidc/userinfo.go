package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
)

// UserInfo fetches the userinfo endpoint with the access token (OIDC Core
// 1.0 §5.3) and returns its claims. The answer's sub must equal sub, the
// ID token's subject (§5.3.2: otherwise the answer "MUST NOT be used");
// the check fails with a *CheckError wrapping ErrSubject. Signed or
// encrypted userinfo (application/jwt) is refused.
func (c *Client) UserInfo(ctx context.Context, accessToken, sub string) (map[string]any, error) {
	const tok = "userinfo"
	if c.meta.UserinfoEndpoint == "" {
		return nil, fmt.Errorf("%w: provider has no userinfo endpoint", ErrUserInfo)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.meta.UserinfoEndpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUserInfo, err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	body, h, err := doHeader(c.cfg, req, ErrUserInfo)
	if err != nil {
		return nil, err
	}
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if mt != "application/json" {
		return nil, checkf(tok, "content_type", ErrUserInfo, "not application/json")
	}
	return parseUserInfo(body, sub)
}

func parseUserInfo(body []byte, sub string) (map[string]any, error) {
	const tok = "userinfo"
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&m); err != nil || m == nil {
		return nil, checkf(tok, "form", ErrMalformed, "not a JSON object")
	}
	if s, ok := m["sub"].(string); !ok || s != sub || sub == "" {
		return nil, check(tok, "sub", ErrSubject)
	}
	return m, nil
}
