package fitconnect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/internal/httpx"
	"github.com/egosaar/ozg/signature/jose"
)

// SubmissionRef identifies a submission ready for pickup (list entries and
// callback payloads).
type SubmissionRef struct {
	DestinationID string `json:"destinationId"`
	SubmissionID  string `json:"submissionId"`
	CaseID        string `json:"caseId"`
}

// SubmissionPage is one page of [Client.ListSubmissions].
type SubmissionPage struct {
	Submissions []SubmissionRef
	// TotalCount is the number of submissions ready for pickup.
	TotalCount int
}

// ListSubmissions lists submissions ready for pickup at a destination
// (offset/limit paging; limit 1..500).
func (c *Client) ListSubmissions(ctx context.Context, destinationID string, offset, limit int) (_ *SubmissionPage, err error) {
	ctx, op := c.startOp(ctx, opList, trace.SpanKindClient, "")
	defer op.End(&err)
	if !isUUID(destinationID) || offset < 0 || limit < 1 || limit > 500 {
		return nil, fmt.Errorf("%w: list: bad destination ID, offset or limit", ErrInvalidArgument)
	}
	q := url.Values{"destinationId": {destinationID}, "offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
	var w struct {
		Submissions []SubmissionRef `json:"submissions"`
		TotalCount  int             `json:"totalCount"`
	}
	if err := c.getJSON(ctx, c.prefix+"/submissions?"+q.Encode(), true, &w); err != nil {
		return nil, err
	}
	for _, s := range w.Submissions {
		if !isUUID(s.SubmissionID) || !isUUID(s.CaseID) || s.DestinationID != destinationID {
			return nil, fmt.Errorf("%w: list entry with bad IDs", ErrMalformedResponse)
		}
	}
	return &SubmissionPage{Submissions: w.Submissions, TotalCount: w.TotalCount}, nil
}

// ReceivedSubmission is a fetched, decrypted and checked submission.
type ReceivedSubmission struct {
	SubmissionRef
	// ServiceIdentifier is the service of the announcement.
	ServiceIdentifier string
	// Metadata is the schema-checked metadata.
	Metadata *Metadata
	// Data are the decrypted Fachdaten and DataMimeType their cty.
	Data         []byte
	DataMimeType string
	// Attachments are the decrypted attachments in metadata order.
	Attachments []ReceivedAttachment
	// AuthenticationTags are those of exactly the bytes received.
	AuthenticationTags AuthenticationTags
}

// ReceivedAttachment is one decrypted attachment.
type ReceivedAttachment struct {
	AttachmentInfo
	Content []byte
}

type wireSubmission struct {
	SubmissionID      string   `json:"submissionId"`
	CaseID            string   `json:"caseId"`
	DestinationID     string   `json:"destinationId"`
	EncryptedMetadata string   `json:"encryptedMetadata"`
	EncryptedData     string   `json:"encryptedData"`
	Attachments       []string `json:"attachments"`
	PublicService     *struct {
		Identifier string `json:"identifier"`
	} `json:"publicService"`
	ServiceType *struct {
		Identifier string `json:"identifier"`
	} `json:"serviceType"`
}

// Receive fetches one submission, decrypts metadata, data and attachments
// with the configured keys, checks the metadata against its schema,
// recomputes every SHA-512 and compares announced with described
// attachments. A submission that fails a check yields a
// [*SubmissionError] carrying the problem to [Client.Reject] it with; no
// event is sent and the submission stays at the Zustelldienst.
func (c *Client) Receive(ctx context.Context, ref SubmissionRef) (_ *ReceivedSubmission, err error) {
	ctx, op := c.startOp(ctx, opReceive, trace.SpanKindClient, "")
	defer op.End(&err)
	if c.decrypter == nil {
		return nil, ErrNoSubscriber
	}
	if !isUUID(ref.SubmissionID) {
		return nil, fmt.Errorf("%w: receive: submission ID is not a UUID", ErrInvalidArgument)
	}
	var w wireSubmission
	if err := c.getJSON(ctx, c.prefix+"/submissions/"+ref.SubmissionID, true, &w); err != nil {
		return nil, err
	}
	if w.SubmissionID != ref.SubmissionID || !isUUID(w.CaseID) || !isUUID(w.DestinationID) {
		return nil, fmt.Errorf("%w: submission answer with other or bad IDs", ErrMalformedResponse)
	}
	r := &ReceivedSubmission{SubmissionRef: SubmissionRef{DestinationID: w.DestinationID, SubmissionID: w.SubmissionID, CaseID: w.CaseID}}
	switch {
	case w.PublicService != nil:
		r.ServiceIdentifier = w.PublicService.Identifier
	case w.ServiceType != nil:
		r.ServiceIdentifier = w.ServiceType.Identifier
	}
	md, err := c.decrypter.Decrypt(w.EncryptedMetadata)
	if err != nil {
		return nil, invalid(ProblemEncryption, "metadata", "Entschlüsselungsfehler", err)
	}
	if md.ContentType != "application/json" {
		return nil, invalid(ProblemSyntaxViolation, "metadata", "Metadaten ohne cty application/json", nil)
	}
	r.AuthenticationTags.Metadata = md.AuthenticationTag
	if r.Metadata, err = ValidateMetadata(md.Payload); err != nil {
		if errors.Is(err, ErrDestination) {
			return nil, invalid(ProblemSchemaViolation, "metadata", "Metadatenversion nicht unterstützt", err)
		}
		return nil, invalid(ProblemSchemaViolation, "metadata", "Schema-Verletzung", err)
	}
	if psi := r.Metadata.PublicServiceType; psi != nil && r.ServiceIdentifier != "" && psi.Identifier != r.ServiceIdentifier {
		return nil, invalid(ProblemServiceMismatch, "metadata", "Verwaltungsleistung weicht von der Ankündigung ab", nil)
	}
	if cs := r.Metadata.ContentStructure.Data; cs != nil {
		d, err := c.decrypter.Decrypt(w.EncryptedData)
		if err != nil {
			return nil, invalid(ProblemEncryption, "data", "Entschlüsselungsfehler", err)
		}
		if d.ContentType != cs.SubmissionSchema.MimeType {
			return nil, invalid(ProblemSyntaxViolation, "data", "cty weicht vom Fachdatenschema ab", nil)
		}
		if SHA512Hash(d.Payload) != cs.Hash {
			return nil, invalid(ProblemHashMismatch, "data", "Hashwert stimmt nicht überein", nil)
		}
		r.Data, r.DataMimeType, r.AuthenticationTags.Data = d.Payload, d.ContentType, d.AuthenticationTag
	} else if w.EncryptedData != "" {
		return nil, invalid(ProblemSyntaxViolation, "data", "Fachdaten ohne Beschreibung in den Metadaten", nil)
	}
	if err := c.receiveAttachments(ctx, &w, r); err != nil {
		return nil, err
	}
	return r, nil
}

func (c *Client) receiveAttachments(ctx context.Context, w *wireSubmission, r *ReceivedSubmission) error {
	described := r.Metadata.ContentStructure.Attachments
	r.AuthenticationTags.Attachments = map[string]string{}
	seen := map[string]bool{}
	for _, a := range described {
		if seen[a.AttachmentID] {
			return invalid(ProblemSyntaxViolation, "metadata", "Anlage doppelt beschrieben", nil)
		}
		seen[a.AttachmentID] = true
		if !slices.Contains(w.Attachments, a.AttachmentID) {
			return invalid(ProblemMissingAttachment, "attachment:"+a.AttachmentID, "Anlage fehlt", nil)
		}
	}
	for _, id := range w.Attachments {
		if !seen[id] {
			return invalid(ProblemUnexpectedAttachment, "attachment:"+id, "Anlage nicht in den Metadaten beschrieben", nil)
		}
	}
	for _, a := range described {
		tok, err := c.fetchAttachment(ctx, r.SubmissionID, a.AttachmentID)
		if err != nil {
			return err
		}
		// Decrypted in the received buffer's memory: a large attachment
		// needs no second buffer.
		d, err := c.decrypter.DecryptInPlace(tok)
		if err != nil {
			return invalid(ProblemEncryption, "attachment:"+a.AttachmentID, "Entschlüsselungsfehler", err)
		}
		if SHA512Hash(d.Payload) != a.Hash {
			return invalid(ProblemHashMismatch, "attachment:"+a.AttachmentID, "Hashwert stimmt nicht überein", nil)
		}
		r.AuthenticationTags.Attachments[a.AttachmentID] = d.AuthenticationTag
		r.Attachments = append(r.Attachments, ReceivedAttachment{AttachmentInfo: a, Content: d.Payload})
	}
	return nil
}

func (c *Client) fetchAttachment(ctx context.Context, submissionID, attachmentID string) ([]byte, error) {
	if !isUUID(attachmentID) {
		return nil, invalid(ProblemSyntaxViolation, "metadata", "Anlagen-ID ist keine UUID", nil)
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: c.prefix + "/submissions/" + submissionID + "/attachments/" + attachmentID, idempotent: true, auth: true})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if resp.ContentLength > 0 && resp.ContentLength <= int64(c.cfg.MaxSubmissionBytes) {
		// bytes.Buffer.ReadFrom wants MinRead bytes free before each read,
		// the one that sees EOF too: without them a body of exactly
		// ContentLength would be copied into a buffer twice its size.
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	n, err := io.Copy(&buf, io.LimitReader(resp.Body, int64(c.cfg.MaxSubmissionBytes)+1))
	if err != nil {
		return nil, c.transportErr("GET attachment", err)
	}
	if n > int64(c.cfg.MaxSubmissionBytes) {
		httpx.DrainAndClose(resp)
		return nil, invalid(ProblemTechnicalError, "attachment:"+attachmentID, "Anlage zu groß", nil)
	}
	return buf.Bytes(), nil
}

// Accept sends the accept-submission event with the authentication tags
// of exactly the bytes received.
func (c *Client) Accept(ctx context.Context, r *ReceivedSubmission) error {
	if r == nil {
		return fmt.Errorf("%w: accept: nil submission", ErrInvalidArgument)
	}
	return c.postEvent(ctx, r.SubmissionRef, EventAcceptSubmission, map[string]any{"authenticationTags": r.AuthenticationTags})
}

// Reject sends the reject-submission event with problems (at least one;
// type and instance as the problem definitions say).
func (c *Client) Reject(ctx context.Context, ref SubmissionRef, problems ...Problem) error {
	if len(problems) == 0 {
		return fmt.Errorf("%w: reject: at least one problem is required", ErrInvalidArgument)
	}
	return c.postEvent(ctx, ref, EventRejectSubmission, map[string]any{"problems": problems})
}

// postEvent signs and posts a SET for the case. POSTing the same SET again
// is harmless (same jti), so it is retried like an idempotent call.
func (c *Client) postEvent(ctx context.Context, ref SubmissionRef, event string, payload any) (err error) {
	ctx, op := c.startOp(ctx, receiptOp(event), trace.SpanKindClient, "")
	defer op.End(&err)
	if c.signer == nil {
		return ErrNoSubscriber
	}
	if !isUUID(ref.SubmissionID) || !isUUID(ref.CaseID) || !isUUID(ref.DestinationID) {
		return fmt.Errorf("%w: event: bad submission reference", ErrInvalidArgument)
	}
	set := jose.SET{Issuer: ref.DestinationID, ID: uuid.NewString(), Subject: "submission:" + ref.SubmissionID,
		TransactionID: "case:" + ref.CaseID, Schema: setPayloadSchema}
	if err := set.SetEvent(event, payload); err != nil {
		return err
	}
	tok, err := c.signer.Sign(set)
	if err != nil {
		return fmt.Errorf("fitconnect: sign event: %w", err)
	}
	return c.callJSON(ctx, request{method: http.MethodPost, path: c.prefix + "/cases/" + ref.CaseID + "/events",
		contentType: "application/jose", idempotent: true, auth: true,
		body: func() (io.Reader, int64) { return strings.NewReader(tok), int64(len(tok)) }}, nil)
}
