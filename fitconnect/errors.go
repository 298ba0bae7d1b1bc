package fitconnect

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidConfig reports an invalid [Config]; every [New] error for
	// a bad configuration wraps it.
	ErrInvalidConfig = errors.New("fitconnect: invalid configuration")
	// ErrDestination reports a destination that cannot receive the
	// submission: not active, the service or a metadata version we speak
	// is not offered, or its encryption key fails validation.
	ErrDestination = errors.New("fitconnect: destination not usable")
	// ErrUntrustedKey reports a destination key (encryption or signature)
	// that fails the FIT-Connect key rules or does not chain to the
	// configured anchors.
	ErrUntrustedKey = errors.New("fitconnect: untrusted key")
	// ErrAnnounceUnknown reports a POST /submissions whose answer was lost
	// (transport failure after the request was sent): the Zustelldienst
	// may or may not have created the submission. It is never retried; see
	// [AnnounceUnknownError].
	ErrAnnounceUnknown = errors.New("fitconnect: outcome of announcing the submission is unknown")
	// ErrEventLog reports an event log entry (SET) that does not verify.
	ErrEventLog = errors.New("fitconnect: event log entry does not verify")
	// ErrInvalidSubmission reports a received submission that fails a
	// check (decryption, metadata schema, hash, attachments); see
	// [SubmissionError] for the problem to reject it with.
	ErrInvalidSubmission = errors.New("fitconnect: invalid submission")
	// ErrMetadata reports metadata that [ValidateMetadata] refuses (not
	// JSON, not a FIT-Connect metadata $schema, a schema violation). An
	// unsupported version is [ErrDestination] instead.
	ErrMetadata = errors.New("fitconnect: invalid metadata")
	// ErrMalformedResponse reports an answer of the Zustelldienst that is
	// not what the API defines (bad JSON, missing fields, oversize).
	ErrMalformedResponse = errors.New("fitconnect: malformed response")
	// ErrCallback reports a callback that fails authentication or parsing.
	ErrCallback = errors.New("fitconnect: invalid callback")
	// ErrToken reports a failed OAuth token request (wrong credentials,
	// token endpoint unreachable).
	ErrToken = errors.New("fitconnect: cannot obtain access token")
	// ErrNoSubscriber reports a subscriber call on a client configured
	// without decryption or signing keys.
	ErrNoSubscriber = errors.New("fitconnect: client has no subscriber keys")
	// ErrInvalidArgument: a call's own argument is unusable (a route query
	// without a well-formed LeiKa key or ARS, a submission without service
	// or data type, a malformed ID, paging bounds, an empty reject); nothing
	// was sent.
	ErrInvalidArgument = errors.New("fitconnect: invalid argument")
)

// ProblemError is an RFC 7807 problem answer of the Zustelldienst, or an
// HTTP error without a problem body (then only Status is set).
type ProblemError struct {
	// Type is the problem type URI, e.g.
	// https://schema.fitko.de/fit-connect/submission-api/problems/submission-not-found.
	Type string `json:"type"`
	// Title is the short human-readable summary.
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail is the explanation of this occurrence.
	Detail string `json:"detail,omitempty"`
	// Instance identifies this occurrence.
	Instance string `json:"instance,omitempty"`
}

func (e *ProblemError) Error() string {
	if e.Type == "" {
		return fmt.Sprintf("fitconnect: HTTP status %d", e.Status)
	}
	return fmt.Sprintf("fitconnect: problem %s (HTTP status %d)", e.Type, e.Status)
}

// CertificateError reports a TLS certificate failure talking to the
// Zustelldienst, the token endpoint or the Routing API. It is never
// retried.
type CertificateError struct{ Err error }

func (e *CertificateError) Error() string { return "fitconnect: certificate error: " + e.Err.Error() }

// Unwrap returns the TLS error.
func (e *CertificateError) Unwrap() error { return e.Err }

// AnnounceUnknownError is returned when the answer to POST /submissions
// was lost. The submission may exist at the Zustelldienst (incomplete, it
// is deleted there after one day); the client does not announce it a
// second time. DestinationID and AttachmentIDs are what was sent.
type AnnounceUnknownError struct {
	DestinationID string
	AttachmentIDs []string
	Err           error
}

func (e *AnnounceUnknownError) Error() string {
	return "fitconnect: outcome of announcing a submission to destination " + e.DestinationID + " is unknown: " + e.Err.Error()
}

// Unwrap returns [ErrAnnounceUnknown] and the transport error.
func (e *AnnounceUnknownError) Unwrap() []error { return []error{ErrAnnounceUnknown, e.Err} }

// Problem is one entry of a reject-submission event ("Einreichung
// überprüfen"): type and instance as documented, title and detail.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance"`
}

// Problem type URIs for rejecting a submission (prefix
// https://schema.fitko.de/fit-connect/events/problems/).
const (
	problemPrefix               = "https://schema.fitko.de/fit-connect/events/problems/"
	ProblemEncryption           = problemPrefix + "encryption-issue"
	ProblemSyntaxViolation      = problemPrefix + "syntax-violation"
	ProblemSchemaViolation      = problemPrefix + "schema-violation"
	ProblemHashMismatch         = problemPrefix + "hash-mismatch"
	ProblemMissingAttachment    = problemPrefix + "missing-attachment"
	ProblemUnexpectedAttachment = problemPrefix + "unexpected-attachment"
	ProblemServiceMismatch      = problemPrefix + "service-mismatch"
	ProblemTechnicalError       = problemPrefix + "technical-error"
	ProblemInvalidSignature     = problemPrefix + "invalid-signature"
)

// SubmissionError reports why a received submission is invalid. Problem is
// what [Client.Reject] sends; the submission stays at the Zustelldienst.
type SubmissionError struct {
	Problem Problem
	Err     error
}

func (e *SubmissionError) Error() string {
	s := "fitconnect: invalid submission: " + e.Problem.Instance + ": " + e.Problem.Title
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns [ErrInvalidSubmission] and the cause.
func (e *SubmissionError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidSubmission}
	}
	return []error{ErrInvalidSubmission, e.Err}
}

// NewProblem returns a [*SubmissionError] for a check of the content that
// failed (for a [Handler]): problemType as documented (e.g.
// [ProblemSchemaViolation]), instance "data", "metadata" or
// "attachment:<id>", a title, and the cause (not sent).
func NewProblem(problemType, instance, title string, cause error) error {
	return invalid(problemType, instance, title, cause)
}

func invalid(problemType, instance, title string, err error) error {
	return &SubmissionError{Problem: Problem{Type: problemType, Title: title, Instance: instance}, Err: err}
}
