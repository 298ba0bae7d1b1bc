package accounttest

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

var (
	formRE  = regexp.MustCompile(`<form id="saml-post" method="post" action="([^"]*)">`)
	inputRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// Browse plays the browser for a login: it GETs startURL with client (which
// should have a cookie jar) and keeps submitting the auto-submitting
// HTTP-POST binding forms (of saml.WritePostForm) it receives, as a browser
// with JavaScript would, up to ten hops. It returns the first response that
// is not such a form, with its body read into body.
func Browse(ctx context.Context, client *http.Client, startURL string) (resp *http.Response, body string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, startURL, nil)
	if err != nil {
		return nil, "", err
	}
	for range 10 {
		resp, err = client.Do(req)
		if err != nil {
			return nil, "", err
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		if err != nil {
			return nil, "", err
		}
		body = string(b)
		m := formRE.FindStringSubmatch(body)
		if m == nil {
			return resp, body, nil
		}
		action, err := resp.Request.URL.Parse(html.UnescapeString(m[1]))
		if err != nil {
			return nil, "", err
		}
		form := url.Values{}
		for _, in := range inputRE.FindAllStringSubmatch(body, -1) {
			form.Add(html.UnescapeString(in[1]), html.UnescapeString(in[2]))
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(form.Encode()))
		if err != nil {
			return nil, "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return nil, "", errors.New("accounttest: too many form hops")
}
