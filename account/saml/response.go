package saml

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/samlwire"
	"github.com/egosaar/ozg/internal/xmlsafe"
	"github.com/egosaar/ozg/signature/xmldsig"
)

// responseLimits bound the parse of a Response. A BundID response with all
// attributes is about 12 KiB and 150 elements.
func (sp *ServiceProvider) responseLimits() xmlsafe.Limits {
	return xmlsafe.Limits{MaxBytes: sp.cfg.MaxResponseBytes, MaxDepth: 48, MaxElements: 5000, MaxAttributes: 64}
}

// ParseResponse verifies a samlp:Response (the XML, already base64-decoded)
// that answers req and returns the identity it asserts. The order of checks
// follows SAML 2.0 profiles §4.1.4.3 and the XML-DSig best practices
// ("check what is signed"):
//
//  1. parse with xmlsafe limits (no DOCTYPE, size/depth caps);
//  2. verify the Response signature, if present, against the IdP metadata
//     certificates only, and continue with the verified element;
//  3. status (non-success → *StatusError with akdb:StatusDetail);
//  4. Response Version, Destination, InResponseTo, Issuer, IssueInstant;
//  5. exactly one Assertion or EncryptedAssertion; decrypt;
//  6. verify the Assertion signature (required unless the Response was
//     signed; always required by AKDB profiles) and continue with the
//     verified element only;
//  7. Assertion Issuer, Subject/SubjectConfirmation (bearer, Recipient,
//     NotOnOrAfter, InResponseTo), Conditions (NotBefore, NotOnOrAfter,
//     AudienceRestriction), AuthnStatement;
//  8. attributes (by Name; akdb:TrustLevel), level ≥ requested;
//  9. assertion ID replay cache.
//
// ParseResponse does not consume req; FinishLogin does that first.
func (sp *ServiceProvider) ParseResponse(ctx context.Context, data []byte, req PendingRequest) (*account.Identity, error) {
	now := sp.cfg.Now()
	st, err := sp.current(ctx)
	if err != nil {
		return nil, &ResponseError{Check: "metadata", Err: err}
	}
	if int64(len(data)) > sp.cfg.MaxResponseBytes {
		return nil, reject("size", ErrLimit, "response over %d bytes", sp.cfg.MaxResponseBytes)
	}
	doc, err := parseXML(data, sp.responseLimits())
	if err != nil {
		return nil, &ResponseError{Check: "parse", Err: err}
	}
	resp := doc.Root()
	if !is(resp, samlwire.NSProtocol, "Response") {
		return nil, reject("parse", ErrMalformed, "root is not samlp:Response")
	}
	sigs := children(resp, samlwire.NSDSig, "Signature")
	respSigned := false
	switch len(sigs) {
	case 0:
	case 1:
		v, err := sp.verify(ctx, st, resp)
		if err != nil {
			return nil, &ResponseError{Check: "response_signature", Err: err}
		}
		resp, respSigned = v, true
	default:
		return nil, reject("response_signature", ErrSignature, "more than one Response signature")
	}
	if err := checkStatus(resp, respSigned); err != nil {
		return nil, err
	}
	if err := sp.checkResponse(resp, req, now, respSigned); err != nil {
		return nil, err
	}
	var found []*etree.Element
	for _, c := range resp.ChildElements() {
		if is(c, samlwire.NSAssertion, "Assertion") || is(c, samlwire.NSAssertion, "EncryptedAssertion") {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return nil, reject("assertion", ErrMalformed, "response must contain exactly one assertion, found %d", len(found))
	}
	assertion := found[0]
	if assertion.Tag == "EncryptedAssertion" {
		if assertion, err = sp.decrypt(assertion); err != nil {
			return nil, &ResponseError{Check: "decryption", Err: err}
		}
		if !is(assertion, samlwire.NSAssertion, "Assertion") {
			return nil, reject("decryption", ErrMalformed, "EncryptedAssertion does not contain an Assertion")
		}
	} else if sp.cfg.Profile.RequireEncryptedAssertion {
		return nil, reject("decryption", ErrDecryption, "assertion is not encrypted")
	}
	assertionSigned := false
	switch n := len(children(assertion, samlwire.NSDSig, "Signature")); {
	case n == 1:
		v, err := sp.verify(ctx, st, assertion)
		if err != nil {
			return nil, &ResponseError{Check: "assertion_signature", Err: err}
		}
		assertion, assertionSigned = v, true
	case n > 1:
		return nil, reject("assertion_signature", ErrSignature, "more than one Assertion signature")
	}
	if !respSigned && !assertionSigned {
		return nil, reject("signature", ErrSignature, "neither Response nor Assertion is signed")
	}
	if sp.cfg.Profile.RequireSignedAssertion && !assertionSigned {
		return nil, reject("assertion_signature", ErrSignature, "assertion is not signed")
	}
	return sp.readAssertion(ctx, assertion, req, now)
}

func (sp *ServiceProvider) verify(ctx context.Context, st *idpState, el *etree.Element) (*etree.Element, error) {
	res, err := st.verifier.VerifyElement(ctx, el)
	if err != nil {
		if errors.Is(err, xmldsig.ErrLimit) {
			return nil, fmt.Errorf("%w: %w: %w", ErrSignature, ErrLimit, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrSignature, err)
	}
	if res.SignatureMethod == "" || res.Element == nil {
		return nil, fmt.Errorf("%w: verifier returned no element", ErrSignature)
	}
	if sp.cfg.Policy.InsecureAllowSHA1 && strings.Contains(strings.ToLower(res.SignatureMethod+res.DigestMethod), "sha1") {
		sp.cfg.Logger.WarnContext(ctx, "saml: accepted SHA-1 signature (InsecureAllowSHA1)", "signature_method", res.SignatureMethod)
	}
	return res.Element, nil
}

func (sp *ServiceProvider) checkResponse(resp *etree.Element, req PendingRequest, now time.Time, signed bool) error {
	if v, _ := plainAttr(resp, "Version"); v != "2.0" {
		return reject("version", ErrMalformed, "Version must be 2.0")
	}
	if id, _ := plainAttr(resp, "ID"); id == "" {
		return reject("parse", ErrMalformed, "Response without ID")
	}
	dest, hasDest := plainAttr(resp, "Destination")
	// bindings §3.5.5.2: a signed message MUST carry Destination.
	if (hasDest || signed) && dest != sp.cfg.ACSURL {
		return reject("destination", ErrDestination, "Destination does not match the ACS URL")
	}
	if irt, _ := plainAttr(resp, "InResponseTo"); irt == "" || irt != req.ID {
		return reject("in_response_to", ErrInResponseTo, "InResponseTo does not match the pending request")
	}
	if iss, err := child(resp, samlwire.NSAssertion, "Issuer"); err != nil {
		return &ResponseError{Check: "issuer", Err: err}
	} else if iss != nil {
		if err := sp.checkIssuer(iss); err != nil {
			return err
		}
	}
	ii, _ := plainAttr(resp, "IssueInstant")
	t, err := parseTime(ii)
	if err != nil {
		return &ResponseError{Check: "issue_instant", Err: err}
	}
	if t.After(now.Add(sp.cfg.Skew)) {
		return reject("issue_instant", ErrNotYetValid, "IssueInstant in the future")
	}
	if !t.After(now.Add(-sp.cfg.MaxResponseAge - sp.cfg.Skew)) {
		return reject("issue_instant", ErrExpired, "IssueInstant too old")
	}
	return nil
}

func (sp *ServiceProvider) checkIssuer(iss *etree.Element) error {
	if f, ok := plainAttr(iss, "Format"); ok && f != "urn:oasis:names:tc:SAML:2.0:nameid-format:entity" {
		return reject("issuer", ErrIssuer, "Issuer Format is not entity")
	}
	v, err := text(iss)
	if err != nil {
		return &ResponseError{Check: "issuer", Err: err}
	}
	if strings.TrimSpace(v) != sp.entityID {
		return reject("issuer", ErrIssuer, "Issuer is not the configured IdP")
	}
	return nil
}

// checkStatus turns a non-success status into a *StatusError.
func checkStatus(resp *etree.Element, verified bool) error {
	st, err := child(resp, samlwire.NSProtocol, "Status")
	if err != nil || st == nil {
		return reject("status", ErrMalformed, "Response needs exactly one Status")
	}
	sc, err := child(st, samlwire.NSProtocol, "StatusCode")
	if err != nil || sc == nil {
		return reject("status", ErrMalformed, "Status needs exactly one StatusCode")
	}
	code, _ := plainAttr(sc, "Value")
	if code == StatusSuccess {
		return nil
	}
	e := &StatusError{Code: code, Verified: verified}
	if sub, _ := child(sc, samlwire.NSProtocol, "StatusCode"); sub != nil {
		e.SubCode, _ = plainAttr(sub, "Value")
	}
	if m, _ := child(st, samlwire.NSProtocol, "StatusMessage"); m != nil {
		e.Message, _ = text(m)
		if len(e.Message) > 200 {
			e.Message = e.Message[:200]
		}
	}
	if d, _ := child(st, samlwire.NSProtocol, "StatusDetail"); d != nil {
		for _, ad := range children(d, samlwire.NSAkdb, "StatusDetail") {
			t, err := text(ad)
			if err != nil {
				continue
			}
			e.Details = append(e.Details, parseStatusDetail(t)...)
		}
	}
	return e
}

var urnRE = regexp.MustCompile(`urn:oid:[0-9]+(?:\.[0-9]+)*`)

// parseStatusDetail reads the akdb:StatusDetail JSON of BundID §9.7:
// {"version":"1.0","errors":[{"code":"…","message":"…"}]}. Messages name
// the affected attribute URNs; they are extracted into Attributes. The
// message is kept (truncated) for diagnostics but never appears in
// StatusError.Error.
func parseStatusDetail(s string) []StatusDetail {
	if len(s) > 64<<10 {
		return nil
	}
	var v struct {
		Version string         `json:"version"`
		Errors  []StatusDetail `json:"errors"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(s)), &v); err != nil {
		return []StatusDetail{{Code: "INVALID_STATUS_DETAIL"}}
	}
	for i := range v.Errors {
		v.Errors[i].Attributes = urnRE.FindAllString(v.Errors[i].Message, 50)
		if len(v.Errors[i].Message) > 500 {
			v.Errors[i].Message = v.Errors[i].Message[:500]
		}
	}
	return v.Errors
}
