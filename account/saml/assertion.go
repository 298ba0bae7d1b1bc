package saml

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/internal/samlwire"
)

// readAssertion checks the verified assertion and maps it to an Identity.
func (sp *ServiceProvider) readAssertion(ctx context.Context, a *etree.Element, req PendingRequest, now time.Time) (*account.Identity, error) {
	skew := sp.cfg.Skew
	if v, _ := plainAttr(a, "Version"); v != "2.0" {
		return nil, reject("version", ErrMalformed, "Assertion Version must be 2.0")
	}
	aid, _ := plainAttr(a, "ID")
	if aid == "" {
		return nil, reject("parse", ErrMalformed, "Assertion without ID")
	}
	iss, err := child(a, samlwire.NSAssertion, "Issuer")
	if err != nil || iss == nil {
		return nil, reject("issuer", ErrIssuer, "Assertion needs exactly one Issuer")
	}
	if err := sp.checkIssuer(iss); err != nil {
		return nil, err
	}
	ii, _ := plainAttr(a, "IssueInstant")
	if t, err := parseTime(ii); err != nil {
		return nil, &ResponseError{Check: "issue_instant", Err: err}
	} else if t.After(now.Add(skew)) {
		return nil, reject("issue_instant", ErrNotYetValid, "Assertion IssueInstant in the future")
	} else if !t.After(now.Add(-sp.cfg.MaxResponseAge - skew)) {
		return nil, reject("issue_instant", ErrExpired, "Assertion IssueInstant too old")
	}

	id := &account.Identity{Provider: sp.cfg.Profile.Provider, Issuer: sp.entityID}

	// Subject (core §2.4, profiles §4.1.4.2).
	subj, err := child(a, samlwire.NSAssertion, "Subject")
	if err != nil || subj == nil {
		return nil, reject("subject", ErrSubject, "Assertion needs exactly one Subject")
	}
	nid, err := sp.subjectNameID(subj)
	if err != nil {
		return nil, err
	}
	if id.NameID, err = text(nid); err != nil {
		return nil, &ResponseError{Check: "subject", Err: err}
	}
	id.NameIDFormat, _ = plainAttr(nid, "Format")
	validUntil, err := sp.checkConfirmation(subj, req, now)
	if err != nil {
		return nil, err
	}

	// Conditions (core §2.5).
	condUntil, err := sp.checkConditions(a, now)
	if err != nil {
		return nil, err
	}
	if condUntil.After(validUntil) {
		validUntil = condUntil
	}

	// AuthnStatement (core §2.7.2).
	as := children(a, samlwire.NSAssertion, "AuthnStatement")
	if len(as) != 1 {
		return nil, reject("authn_statement", ErrMalformed, "Assertion needs exactly one AuthnStatement")
	}
	ai, _ := plainAttr(as[0], "AuthnInstant")
	if id.AuthenticatedAt, err = parseTime(ai); err != nil {
		return nil, &ResponseError{Check: "authn_statement", Err: err}
	}
	if id.AuthenticatedAt.After(now.Add(skew)) {
		return nil, reject("authn_statement", ErrNotYetValid, "AuthnInstant in the future")
	}
	id.SessionIndex, _ = plainAttr(as[0], "SessionIndex")
	if s, ok := plainAttr(as[0], "SessionNotOnOrAfter"); ok {
		if id.SessionNotOnOrAfter, err = parseTime(s); err != nil {
			return nil, &ResponseError{Check: "authn_statement", Err: err}
		}
		if !now.Before(id.SessionNotOnOrAfter.Add(skew)) {
			return nil, reject("authn_statement", ErrExpired, "SessionNotOnOrAfter passed")
		}
	}
	if ctxEl, _ := child(as[0], samlwire.NSAssertion, "AuthnContext"); ctxEl != nil {
		if ref, _ := child(ctxEl, samlwire.NSAssertion, "AuthnContextClassRef"); ref != nil {
			s, err := text(ref)
			if err != nil {
				return nil, &ResponseError{Check: "authn_context", Err: err}
			}
			id.AuthnContextLevel = sp.parseLevelURI(strings.TrimSpace(s))
		}
	}

	attrs, invalid, err := sp.readAttributes(a)
	if err != nil {
		return nil, err
	}
	for _, ae := range invalid {
		if slices.Contains(req.Required, ae.Name) {
			return nil, &ResponseError{Check: "attributes", Err: fmt.Errorf("%w: %w", ErrAttribute, &ae)}
		}
	}
	if err := account.RequireAttributes(attrs, req.Required); err != nil {
		return nil, &ResponseError{Check: "attributes", Err: fmt.Errorf("%w: %w", ErrAttribute, err)}
	}
	if err := account.MapAttributesLenient(id, attrs, req.Required); err != nil {
		return nil, &ResponseError{Check: "attributes", Err: fmt.Errorf("%w: %w", ErrAttribute, err)}
	}
	if len(invalid) > 0 {
		id.InvalidAttributes = append(id.InvalidAttributes, invalid...)
		slices.SortStableFunc(id.InvalidAttributes, func(a, b account.AttributeError) int { return strings.Compare(a.Name, b.Name) })
	}

	// Effective level: the lower of the stated levels (BundID §6.2.3).
	id.Level = id.AuthnContextLevel
	if id.QAALevel != account.LevelUnknown {
		id.Level = account.MinLevel(id.AuthnContextLevel, id.QAALevel)
		if id.AuthnContextLevel == account.LevelUnknown {
			id.Level = id.QAALevel
		}
	}
	if o := id.Organisation; o != nil && o.AuthenticationLevel.Set {
		if id.Level == account.LevelUnknown {
			id.Level = o.AuthenticationLevel.Value
		} else {
			id.Level = account.MinLevel(id.Level, o.AuthenticationLevel.Value)
		}
	}
	if !id.Level.Valid() || id.Level < req.Level {
		return nil, &ResponseError{Check: "level", Err: &LevelError{Requested: req.Level, Got: id.Level}}
	}

	// Subject: bPK2 for AKDB, persistent NameID otherwise. Without one
	// the login is temporary, which the application must have allowed:
	// an empty Subject is never returned for a stable login.
	if sp.cfg.Profile.AKDB {
		if b, ok := attrs[account.AttrBPK2]; ok && b.Value() != "" {
			id.Subject = b.Value()
		}
	} else if sp.cfg.Profile.SubjectFromNameID && id.NameIDFormat == NameIDFormatPersistent && id.NameID != "" {
		id.Subject = id.NameID
	}
	if id.Subject == "" {
		if !sp.cfg.AllowTemporaryLogin {
			return nil, reject("subject", ErrSubject, "no stable subject (transient NameID or no bPK2) and AllowTemporaryLogin is not set")
		}
		id.Temporary = true
	}

	// Replay cache last, so that a rejected assertion does not block a
	// correct retry (core §2.5.1.5 OneTimeUse is covered by this too).
	if err := sp.cfg.Store.MarkAssertion(ctx, sp.entityID, aid, validUntil.Add(skew), now); err != nil {
		if errors.Is(err, ErrReplay) {
			return nil, reject("replay", ErrReplay, "assertion ID already used")
		}
		return nil, fmt.Errorf("saml: replay cache: %w", err)
	}
	return id, nil
}

// subjectNameID returns the Subject's NameID, decrypting an EncryptedID
// (SAML core §2.4.1, §2.2.4) with the SP's decryption key like an
// EncryptedAssertion.
func (sp *ServiceProvider) subjectNameID(subj *etree.Element) (*etree.Element, error) {
	nids := children(subj, samlwire.NSAssertion, "NameID")
	encs := children(subj, samlwire.NSAssertion, "EncryptedID")
	if len(nids)+len(encs) != 1 || len(children(subj, samlwire.NSAssertion, "BaseID")) > 0 {
		return nil, reject("subject", ErrSubject, "Subject needs exactly one NameID or EncryptedID")
	}
	if len(nids) == 1 {
		return nids[0], nil
	}
	nid, err := sp.decrypt(encs[0])
	if err != nil {
		return nil, &ResponseError{Check: "decryption", Err: err}
	}
	if !is(nid, samlwire.NSAssertion, "NameID") {
		return nil, reject("subject", ErrSubject, "EncryptedID does not contain a NameID")
	}
	return nid, nil
}

// parseLevelURI maps an AuthnContextClassRef to a level: the caller's
// Config.AuthnContextLevels (Generic profile only), STORK-QAA values
// (BundID), eIDAS LoA URIs; anything else is LevelUnknown.
func (sp *ServiceProvider) parseLevelURI(s string) account.Level {
	if l, ok := sp.cfg.AuthnContextLevels[s]; ok {
		return l
	}
	if l, err := account.ParseSTORK(s); err == nil {
		return l
	}
	if l, err := account.ParseEIDAS(s); err == nil {
		return l
	}
	return account.LevelUnknown
}

// checkConfirmation requires one bearer SubjectConfirmation whose data
// names our ACS as Recipient, answers req and has not expired (profiles
// §4.1.4.2). It returns the confirmation's NotOnOrAfter.
func (sp *ServiceProvider) checkConfirmation(subj *etree.Element, req PendingRequest, now time.Time) (time.Time, error) {
	var firstErr error
	for _, sc := range children(subj, samlwire.NSAssertion, "SubjectConfirmation") {
		if m, _ := plainAttr(sc, "Method"); m != ConfirmationMethodBearer {
			continue
		}
		t, err := sp.checkBearer(sc, req, now)
		if err == nil {
			return t, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return time.Time{}, firstErr
	}
	return time.Time{}, reject("subject_confirmation", ErrSubject, "no bearer SubjectConfirmation")
}

func (sp *ServiceProvider) checkBearer(sc *etree.Element, req PendingRequest, now time.Time) (time.Time, error) {
	d, err := child(sc, samlwire.NSAssertion, "SubjectConfirmationData")
	if err != nil || d == nil {
		return time.Time{}, reject("subject_confirmation", ErrSubject, "bearer confirmation needs SubjectConfirmationData")
	}
	if r, _ := plainAttr(d, "Recipient"); r != sp.cfg.ACSURL {
		return time.Time{}, reject("recipient", ErrRecipient, "Recipient does not match the ACS URL")
	}
	if irt, _ := plainAttr(d, "InResponseTo"); irt != req.ID {
		return time.Time{}, reject("in_response_to", ErrInResponseTo, "SubjectConfirmationData InResponseTo does not match")
	}
	if _, ok := plainAttr(d, "NotBefore"); ok {
		return time.Time{}, reject("subject_confirmation", ErrSubject, "bearer SubjectConfirmationData must not have NotBefore")
	}
	nooa, ok := plainAttr(d, "NotOnOrAfter")
	if !ok {
		return time.Time{}, reject("subject_confirmation", ErrSubject, "bearer SubjectConfirmationData needs NotOnOrAfter")
	}
	t, err := parseTime(nooa)
	if err != nil {
		return time.Time{}, &ResponseError{Check: "subject_confirmation", Err: err}
	}
	if !now.Before(t.Add(sp.cfg.Skew)) {
		return time.Time{}, reject("subject_confirmation", ErrExpired, "SubjectConfirmationData NotOnOrAfter passed")
	}
	return t, nil
}

// checkConditions checks Conditions (core §2.5.1): the window and the
// audience restrictions. Unknown condition types make the assertion
// invalid (core §2.5.1.5: Indeterminate is not Valid).
func (sp *ServiceProvider) checkConditions(a *etree.Element, now time.Time) (time.Time, error) {
	c, err := child(a, samlwire.NSAssertion, "Conditions")
	if err != nil || c == nil {
		return time.Time{}, reject("conditions", ErrMalformed, "Assertion needs exactly one Conditions")
	}
	skew := sp.cfg.Skew
	var until time.Time
	if nb, ok := plainAttr(c, "NotBefore"); ok {
		t, err := parseTime(nb)
		if err != nil {
			return time.Time{}, &ResponseError{Check: "conditions", Err: err}
		}
		if now.Add(skew).Before(t) {
			return time.Time{}, reject("conditions", ErrNotYetValid, "Conditions NotBefore in the future")
		}
	}
	nooa, ok := plainAttr(c, "NotOnOrAfter")
	if !ok {
		return time.Time{}, reject("conditions", ErrMalformed, "Conditions need NotOnOrAfter")
	}
	if until, err = parseTime(nooa); err != nil {
		return time.Time{}, &ResponseError{Check: "conditions", Err: err}
	}
	if !now.Before(until.Add(skew)) {
		return time.Time{}, reject("conditions", ErrExpired, "Conditions NotOnOrAfter passed")
	}
	audiences := 0
	for _, cond := range c.ChildElements() {
		switch {
		case is(cond, samlwire.NSAssertion, "AudienceRestriction"):
			audiences++
			found := false
			for _, au := range children(cond, samlwire.NSAssertion, "Audience") {
				if v, err := text(au); err == nil && strings.TrimSpace(v) == sp.cfg.EntityID {
					found = true
				}
			}
			if !found {
				return time.Time{}, reject("audience", ErrAudience, "AudienceRestriction does not name this SP")
			}
		case is(cond, samlwire.NSAssertion, "OneTimeUse"), is(cond, samlwire.NSAssertion, "ProxyRestriction"):
		default:
			return time.Time{}, reject("conditions", ErrMalformed, "unknown condition %s", cond.Tag)
		}
	}
	if audiences == 0 {
		return time.Time{}, reject("audience", ErrAudience, "no AudienceRestriction")
	}
	return until, nil
}

// readAttributes collects the AttributeStatement attributes by Name. A
// Name that occurs twice is refused, as are EncryptedAttribute and values
// with embedded markup other than structured child elements.
//
// An akdb:TrustLevel word that does not parse leaves the attribute's Level
// unknown and is reported in invalid (the caller refuses it for a required
// attribute).
func (sp *ServiceProvider) readAttributes(a *etree.Element) (out map[string]account.Attribute, invalid []account.AttributeError, err error) {
	out = map[string]account.Attribute{}
	for _, st := range children(a, samlwire.NSAssertion, "AttributeStatement") {
		for _, el := range st.ChildElements() {
			if is(el, samlwire.NSAssertion, "EncryptedAttribute") {
				return nil, nil, reject("attributes", ErrAttribute, "EncryptedAttribute is not supported")
			}
			if !is(el, samlwire.NSAssertion, "Attribute") {
				continue
			}
			name, _ := plainAttr(el, "Name")
			if name == "" {
				return nil, nil, reject("attributes", ErrAttribute, "Attribute without Name")
			}
			if _, dup := out[name]; dup {
				return nil, nil, reject("attributes", ErrAttribute, "attribute %s occurs twice", name)
			}
			at := account.Attribute{Name: name}
			at.NameFormat, _ = plainAttr(el, "NameFormat")
			at.FriendlyName, _ = plainAttr(el, "FriendlyName")
			if tl, ok := attrNS(el, samlwire.NSAkdb, "TrustLevel"); ok {
				if l, err := account.ParseAkdbTrustLevel(tl); err != nil {
					invalid = append(invalid, account.AttributeError{Name: name, Reason: "invalid akdb:TrustLevel"})
				} else {
					at.Level = l
				}
			}
			for _, v := range children(el, samlwire.NSAssertion, "AttributeValue") {
				// Structured values exist only at MUK (HandelndePerson,
				// Unternehmensanschrift); AKDB values are xsd:string.
				if len(v.ChildElements()) > 0 && !sp.cfg.Profile.AKDB {
					f := map[string]string{}
					for _, fc := range v.ChildElements() {
						s, err := text(fc)
						if err != nil {
							return nil, nil, reject("attributes", ErrAttribute, "attribute %s: invalid structured value", name)
						}
						f[fc.Tag] = strings.TrimSpace(s)
					}
					at.Fields = append(at.Fields, f)
					continue
				}
				s, err := text(v)
				if err != nil {
					return nil, nil, reject("attributes", ErrAttribute, "attribute %s: value contains markup", name)
				}
				at.Values = append(at.Values, s)
			}
			out[name] = at
		}
	}
	return out, invalid, nil
}
