package saml

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"sort"
)

// postScript is the only script of the auto-submitting form. It is a
// constant so that its hash can be allowed in a Content-Security-Policy
// without 'unsafe-inline' or a nonce.
const postScript = `document.getElementById("saml-post").submit();`

// PostFormScriptHash returns the CSP source expression ('sha256-…') that
// allows the auto-submit script of [WritePostForm]. Add it to script-src
// if the page is served under the application's own policy.
func PostFormScriptHash() string {
	h := sha256.Sum256([]byte(postScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

var postTemplate = template.Must(template.New("post").Parse(`<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Weiterleitung / Redirect</title></head>
<body>
<form id="saml-post" method="post" action="{{.Action}}">
{{range .Fields}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<noscript><p>JavaScript ist deaktiviert. Bitte fahren Sie mit der Schaltfläche fort. / JavaScript is disabled; press the button to continue.</p></noscript>
<button type="submit">Weiter / Continue</button>
</form>
<script>` + postScript + `</script>
</body></html>
`))

type postField struct{ Name, Value string }

// WritePostForm writes the HTTP-POST binding page (SAML 2.0 bindings
// §3.5.4): a form with the given hidden fields that submits itself to
// action. The page sets a Content-Security-Policy that allows only its own
// script (by hash) and form submission to action's origin, and disables
// caching (bindings §3.5.5.1).
func WritePostForm(w http.ResponseWriter, action string, fields url.Values) error {
	u, err := url.Parse(action)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ErrInvalidConfig
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	var fs []postField
	for _, n := range names {
		for _, v := range fields[n] {
			fs = append(fs, postField{n, v})
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src "+PostFormScriptHash()+
		"; form-action "+u.Scheme+"://"+u.Host+"; base-uri 'none'; frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	return postTemplate.Execute(w, struct {
		Action string
		Fields []postField
	}{action, fs})
}
