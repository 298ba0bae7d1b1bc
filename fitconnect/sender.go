package fitconnect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/signature/jose"
)

// Submission is what a sender delivers to a destination.
type Submission struct {
	// DestinationID is the destination's UUID (known, or from [Client.Route]).
	DestinationID string
	// ServiceName and ServiceIdentifier name the public service; the
	// identifier is a URN, for a LeiKa service
	// "urn:de:fim:leika:leistung:<key>". The destination must offer it.
	ServiceName, ServiceIdentifier string
	// Region is the regional key (ARS) the service is requested for (v2).
	Region string
	// Data are the Fachdaten (XML or JSON), DataMimeType their type
	// (application/xml or application/json) and DataSchemaURI their schema,
	// which the destination must accept for the service.
	Data          []byte
	DataMimeType  string
	DataSchemaURI string
	// Attachments are sent as separately encrypted parts.
	Attachments []Attachment
	// Payment, ReplyChannel, AuthenticationInformation and
	// AdditionalReferenceInfo go into the metadata.
	Payment                   *PaymentInformation
	ReplyChannel              *ReplyChannel
	AuthenticationInformation []AuthenticationInformation
	AdditionalReferenceInfo   *AdditionalReferenceInfo
	// Announced, when set, is called once the Zustelldienst has assigned
	// the submission and case IDs (and the authentication tags are
	// known), before any part is uploaded. A sender that must never
	// submit twice stores the IDs here: after a crash it reads the
	// submission's state with [Client.Status] ("incomplete": nothing was
	// submitted, send again) instead of sending blindly. An error stops
	// Send before anything is submitted and is returned.
	Announced func(ctx context.Context, s *SentSubmission) error
}

// Attachment is one file of a submission.
type Attachment struct {
	// Content is the unencrypted file.
	Content []byte
	// EncryptInPlace lets Send overwrite Content with its ciphertext
	// instead of copying it (large files); Content is unusable afterwards.
	EncryptInPlace bool
	// MimeType, e.g. application/pdf. Required.
	MimeType string
	// Purpose is form, attachment or report; "" means attachment.
	Purpose string
	// Filename and Description are optional.
	Filename, Description string
}

// SentSubmission is a submitted submission.
type SentSubmission struct {
	SubmissionID, CaseID, DestinationID string
	// MetadataVersion is the metadata schema version used.
	MetadataVersion string
	// AuthenticationTags are those of the parts as sent; an accept event
	// must name exactly these.
	AuthenticationTags AuthenticationTags
}

// AuthenticationTags are the fifth compact JWE segments of each part
// ("SET Erzeugung", accept-submission payload).
type AuthenticationTags struct {
	Metadata    string            `json:"metadata"`
	Data        string            `json:"data,omitempty"`
	Attachments map[string]string `json:"attachments,omitempty"`
}

// Send checks the destination (active, service and data schema offered, a
// metadata version this package speaks, encryption key valid), builds and
// schema-checks the metadata with the SHA-512 of the unencrypted data and
// attachments, encrypts every part for the destination's key, announces
// the submission, uploads the attachments and submits it.
//
// Announcing (POST /submissions) is not retried: if its answer is lost the
// error is an [*AnnounceUnknownError]. Uploads and the final PUT are
// idempotent and retried.
func (c *Client) Send(ctx context.Context, s Submission) (_ *SentSubmission, err error) {
	ctx, op := c.startOp(ctx, opSend, trace.SpanKindClient, s.ServiceIdentifier)
	defer op.End(&err)
	if s.ServiceIdentifier == "" || s.ServiceName == "" {
		return nil, fmt.Errorf("%w: ServiceName and ServiceIdentifier are required", ErrInvalidArgument)
	}
	if s.DataMimeType != "application/xml" && s.DataMimeType != "application/json" {
		return nil, fmt.Errorf("%w: DataMimeType must be application/xml or application/json", ErrInvalidArgument)
	}
	dest, err := c.Destination(ctx, s.DestinationID)
	if err != nil {
		return nil, err
	}
	if dest.Status != "active" {
		return nil, fmt.Errorf("%w: status is not active", ErrDestination)
	}
	svc := dest.service(s.ServiceIdentifier)
	if svc == nil {
		return nil, fmt.Errorf("%w: service is not offered", ErrDestination)
	}
	if !slices.Contains(svc.SubmissionSchemas, SchemaRef{SchemaURI: s.DataSchemaURI, MimeType: s.DataMimeType}) {
		return nil, fmt.Errorf("%w: data schema is not accepted for the service", ErrDestination)
	}
	version, ok := pickVersion(dest.MetadataVersions)
	if !ok {
		return nil, fmt.Errorf("%w: no metadata version in common", ErrDestination)
	}
	key, err := c.destinationKey(ctx, dest.DestinationID, dest.EncryptionKeyID, jose.FITConnectEncryptionKeyPolicy)
	if err != nil {
		return nil, err
	}
	md := c.metadata(s, version)
	ids := make([]string, len(s.Attachments))
	atts := make([]*jose.JWE, len(s.Attachments))
	tags := AuthenticationTags{Attachments: map[string]string{}}
	for i, a := range s.Attachments {
		if a.MimeType == "" {
			return nil, fmt.Errorf("%w: attachment MimeType is required", ErrInvalidArgument)
		}
		ids[i] = uuid.NewString()
		purpose := a.Purpose
		if purpose == "" {
			purpose = "attachment"
		}
		md.ContentStructure.Attachments = append(md.ContentStructure.Attachments, AttachmentInfo{
			Hash: SHA512Hash(a.Content), Purpose: purpose, Filename: a.Filename, Description: a.Description,
			MimeType: a.MimeType, AttachmentID: ids[i],
		})
		content := a.Content
		if !a.EncryptInPlace {
			content = slices.Grow(slices.Clip(content), 16)
		}
		if atts[i], err = jose.EncryptInPlace(content, key, jose.EncryptOptions{ContentType: a.MimeType}); err != nil {
			return nil, fmt.Errorf("fitconnect: encrypt attachment: %w", err)
		}
		tags.Attachments[ids[i]] = atts[i].AuthenticationTag()
	}
	mdJSON, err := encodeMetadata(md)
	if err != nil {
		return nil, err
	}
	encMD, err := jose.Encrypt(mdJSON, key, jose.EncryptOptions{ContentType: "application/json"})
	if err != nil {
		return nil, fmt.Errorf("fitconnect: encrypt metadata: %w", err)
	}
	encData, err := jose.Encrypt(s.Data, key, jose.EncryptOptions{ContentType: s.DataMimeType})
	if err != nil {
		return nil, fmt.Errorf("fitconnect: encrypt data: %w", err)
	}
	tags.Metadata, _ = jose.AuthenticationTag(encMD)
	tags.Data, _ = jose.AuthenticationTag(encData)

	sent, err := c.announce(ctx, s, ids)
	if err != nil {
		return nil, err
	}
	sent.MetadataVersion, sent.AuthenticationTags = version, tags
	if s.Announced != nil {
		if err := s.Announced(ctx, sent); err != nil {
			return sent, err
		}
	}
	for i, j := range atts {
		if err := c.upload(ctx, sent.SubmissionID, ids[i], j); err != nil {
			return sent, err
		}
	}
	body, err := jsonBody(map[string]string{"encryptedMetadata": encMD, "encryptedData": encData})
	if err != nil {
		return sent, err
	}
	if err := c.callJSON(ctx, request{method: http.MethodPut, path: c.prefix + "/submissions/" + sent.SubmissionID,
		contentType: "application/json", body: body, idempotent: true, auth: true}, nil); err != nil {
		return sent, err
	}
	c.log.InfoContext(ctx, "fitconnect: submission sent", "submission", sent.SubmissionID, "case", sent.CaseID, "destination", sent.DestinationID)
	return sent, nil
}

func (c *Client) metadata(s Submission, version string) *Metadata {
	md := &Metadata{
		ContentStructure: ContentStructure{
			Data:        &DataInfo{Hash: SHA512Hash(s.Data), SubmissionSchema: SchemaRef{SchemaURI: s.DataSchemaURI, MimeType: s.DataMimeType}},
			Attachments: []AttachmentInfo{},
		},
		PublicServiceType:         &PublicServiceType{Name: s.ServiceName, Identifier: s.ServiceIdentifier},
		AuthenticationInformation: s.AuthenticationInformation,
		PaymentInformation:        s.Payment,
		ReplyChannel:              s.ReplyChannel,
		AdditionalReferenceInfo:   s.AdditionalReferenceInfo,
	}
	if version != "1.0.0" {
		md.Schema = metadataSchemaURI(version)
	}
	return md
}

// encodeMetadata marshals and schema-checks md.
func encodeMetadata(md *Metadata) ([]byte, error) {
	raw, err := jsonMarshal(md)
	if err != nil {
		return nil, err
	}
	if _, err := ValidateMetadata(raw); err != nil {
		return nil, err
	}
	return raw, nil
}

type announceAnswer struct {
	SubmissionID string `json:"submissionId"`
	CaseID       string `json:"caseId"`
}

func (c *Client) announce(ctx context.Context, s Submission, ids []string) (*SentSubmission, error) {
	body := map[string]any{"destinationId": s.DestinationID, "announcedAttachments": ids}
	svc := map[string]string{"name": s.ServiceName, "identifier": s.ServiceIdentifier}
	if c.cfg.APIVersion == V1 {
		body["serviceType"] = svc
	} else {
		body["publicService"] = svc
		if s.Region != "" {
			body["region"] = s.Region
		}
	}
	b, err := jsonBody(body)
	if err != nil {
		return nil, err
	}
	var a announceAnswer
	err = c.callJSON(ctx, request{method: http.MethodPost, path: c.prefix + "/submissions", contentType: "application/json", body: b, auth: true}, &a)
	var pe *ProblemError
	var ce *CertificateError
	switch {
	case errors.As(err, &pe) || errors.As(err, &ce) || errors.Is(err, ErrToken):
		return nil, err
	case err != nil:
		return nil, &AnnounceUnknownError{DestinationID: s.DestinationID, AttachmentIDs: ids, Err: err}
	}
	if !isUUID(a.SubmissionID) || !isUUID(a.CaseID) {
		return nil, fmt.Errorf("%w: announce answer lacks submissionId or caseId", ErrMalformedResponse)
	}
	return &SentSubmission{SubmissionID: a.SubmissionID, CaseID: a.CaseID, DestinationID: s.DestinationID}, nil
}

func (c *Client) upload(ctx context.Context, submissionID, attachmentID string, j *jose.JWE) error {
	return c.callJSON(ctx, request{
		method: http.MethodPut, path: c.prefix + "/submissions/" + submissionID + "/attachments/" + attachmentID,
		contentType: "application/jose", idempotent: true, auth: true,
		body: func() (io.Reader, int64) { return j.Reader(), j.Len() },
	}, nil)
}
