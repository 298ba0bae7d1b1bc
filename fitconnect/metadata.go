package fitconnect

import (
	"bytes"
	"crypto/sha512"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Metadata is the FIT-Connect metadata record ("Metadatensatz", schema
// https://schema.fitko.de/fit-connect/metadata/1.x.y/metadata.schema.json).
// Only ContentStructure is required.
type Metadata struct {
	// Schema is the $schema URI of the version used.
	Schema string `json:"$schema,omitempty"`
	// ContentStructure describes data and attachments with their hashes.
	ContentStructure ContentStructure `json:"contentStructure"`
	// PublicServiceType names the service (Verwaltungsleistung).
	PublicServiceType *PublicServiceType `json:"publicServiceType,omitempty"`
	// AuthenticationInformation lists identification reports.
	AuthenticationInformation []AuthenticationInformation `json:"authenticationInformation,omitempty"`
	// PaymentInformation is the ePayment result.
	PaymentInformation *PaymentInformation `json:"paymentInformation,omitempty"`
	// ReplyChannel is how the authority answers (exactly one channel).
	ReplyChannel *ReplyChannel `json:"replyChannel,omitempty"`
	// AdditionalReferenceInfo carries the sender's reference.
	AdditionalReferenceInfo *AdditionalReferenceInfo `json:"additionalReferenceInfo,omitempty"`
}

// ContentStructure describes the submission's data and attachments.
type ContentStructure struct {
	Data        *DataInfo        `json:"data,omitempty"`
	Attachments []AttachmentInfo `json:"attachments"`
}

// DataInfo describes the data (Fachdaten).
type DataInfo struct {
	Hash             Hash      `json:"hash"`
	SubmissionSchema SchemaRef `json:"submissionSchema"`
}

// AttachmentInfo describes one attachment.
type AttachmentInfo struct {
	Hash         Hash   `json:"hash"`
	Purpose      string `json:"purpose"` // form, attachment or report
	Filename     string `json:"filename,omitempty"`
	Description  string `json:"description,omitempty"`
	MimeType     string `json:"mimeType"`
	AttachmentID string `json:"attachmentId"`
}

// Hash is the SHA-512 of the unencrypted content, lowercase hex.
type Hash struct {
	Type    string `json:"type"` // "sha512"
	Content string `json:"content"`
}

// PublicServiceType names the service.
type PublicServiceType struct {
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Identifier  string `json:"identifier"`
}

// AuthenticationInformation is one identification report.
type AuthenticationInformation struct {
	Type    string `json:"type"` // "identificationReport"
	Version string `json:"version"`
	Content string `json:"content"`
}

// PaymentInformation is the payment result of the Bezahldienst.
type PaymentInformation struct {
	TransactionURL       string   `json:"transactionUrl,omitempty"`
	TransactionID        string   `json:"transactionId"`
	TransactionReference string   `json:"transactionReference"`
	TransactionTimestamp string   `json:"transactionTimestamp,omitempty"` // RFC 3339
	PaymentMethod        string   `json:"paymentMethod"`                  // GIROPAY, PAYDIRECT, CREDITCARD, PAYPAL, INVOICE, OTHER
	PaymentMethodDetail  string   `json:"paymentMethodDetail,omitempty"`
	Status               string   `json:"status"` // INITIAL, BOOKED, FAILED, CANCELED
	GrossAmount          *float64 `json:"grossAmount,omitempty"`
}

// ReplyChannel has exactly one channel set.
type ReplyChannel struct {
	EMail  *EMailChannel  `json:"eMail,omitempty"`
	DeMail *DeMailChannel `json:"deMail,omitempty"`
	Fink   *FinkChannel   `json:"fink,omitempty"`
	Elster *ElsterChannel `json:"elster,omitempty"`
}

// EMailChannel answers by e-mail.
type EMailChannel struct {
	Address      string `json:"address"`
	PGPPublicKey string `json:"pgpPublicKey,omitempty"`
}

// DeMailChannel answers by De-Mail.
type DeMailChannel struct {
	Address string `json:"address"`
}

// FinkChannel answers to a FINK mailbox.
type FinkChannel struct {
	FinkPostfachRef string `json:"finkPostfachRef"`
	Host            string `json:"host,omitempty"`
}

// ElsterChannel answers through ELSTER.
type ElsterChannel struct {
	AccountID         string `json:"accountId"`
	LieferTicket      string `json:"lieferTicket,omitempty"`
	Geschaeftszeichen string `json:"geschaeftszeichen,omitempty"`
}

// AdditionalReferenceInfo carries references of the sender.
type AdditionalReferenceInfo struct {
	SenderReference string `json:"senderReference,omitempty"`
	ApplicationDate string `json:"applicationDate,omitempty"` // YYYY-MM-DD
}

// SHA512Hash returns the metadata hash of content.
func SHA512Hash(content []byte) Hash {
	s := sha512.Sum512(content)
	return Hash{Type: "sha512", Content: hex.EncodeToString(s[:])}
}

// Metadata schema versions. SchemaCheckedVersions are validated against
// the official FITKO schema files vendored in this package;
// ModelledVersions share the 1.x structure of [Metadata] and are
// validated against the highest vendored 1.x schema, since their official
// files were not available (see schemas/SOURCES.md).
var (
	SchemaCheckedVersions = []string{"1.0.0"}
	ModelledVersions      = []string{"1.1.0", "1.2.0", "1.3.0", "1.4.0", "1.5.0"}
)

//go:embed schemas/metadata/*.schema.json
var schemaFS embed.FS

var (
	schemaOnce sync.Once
	schemas    map[string]*jsonschema.Schema
	schemaErr  error
)

func loadSchemas() (map[string]*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		schemas = map[string]*jsonschema.Schema{}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		for _, v := range SchemaCheckedVersions {
			raw, err := schemaFS.ReadFile("schemas/metadata/" + v + ".schema.json")
			if err != nil {
				schemaErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
			if err != nil {
				schemaErr = err
				return
			}
			id := metadataSchemaURI(v)
			if err := c.AddResource(id, doc); err != nil {
				schemaErr = err
				return
			}
			if schemas[v], err = c.Compile(id); err != nil {
				schemaErr = err
				return
			}
		}
	})
	return schemas, schemaErr
}

func metadataSchemaURI(version string) string {
	return "https://schema.fitko.de/fit-connect/metadata/" + version + "/metadata.schema.json"
}

// schemaFor returns the schema that checks version.
func schemaFor(version string) (*jsonschema.Schema, error) {
	all, err := loadSchemas()
	if err != nil {
		return nil, fmt.Errorf("fitconnect: vendored metadata schema: %w", err)
	}
	if s, ok := all[version]; ok {
		return s, nil
	}
	if slices.Contains(ModelledVersions, version) {
		return all[SchemaCheckedVersions[len(SchemaCheckedVersions)-1]], nil
	}
	return nil, fmt.Errorf("%w: metadata version %q is not supported", ErrDestination, version)
}

// pickVersion returns the highest version offered that this package
// speaks.
func pickVersion(offered []string) (string, bool) {
	best := ""
	for _, v := range offered {
		if !slices.Contains(SchemaCheckedVersions, v) && !slices.Contains(ModelledVersions, v) {
			continue
		}
		if best == "" || compareSemver(v, best) > 0 {
			best = v
		}
	}
	return best, best != ""
}

func compareSemver(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range 3 {
		x, y := num(pa, i), num(pb, i)
		if x != y {
			return x - y
		}
	}
	return 0
}

func num(p []string, i int) int {
	if i >= len(p) {
		return 0
	}
	n := 0
	for _, c := range p[i] {
		if c < '0' || c > '9' || n > 1e6 {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// ValidateMetadata checks raw metadata JSON against the schema of its
// $schema version ("1.0.0" when absent, as in 1.0.0 itself) and decodes
// it. Unknown versions and schema violations are errors.
func ValidateMetadata(raw []byte) (*Metadata, error) {
	var head struct {
		Schema string `json:"$schema"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMetadata)
	}
	version := "1.0.0"
	if head.Schema != "" {
		v, ok := strings.CutPrefix(head.Schema, "https://schema.fitko.de/fit-connect/metadata/")
		v, ok2 := strings.CutSuffix(v, "/metadata.schema.json")
		if !ok || !ok2 {
			return nil, fmt.Errorf("%w: $schema is not a FIT-Connect metadata schema", ErrMetadata)
		}
		version = v
	}
	sch, err := schemaFor(version)
	if err != nil {
		return nil, err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: not JSON", ErrMetadata)
	}
	if err := sch.Validate(inst); err != nil {
		return nil, fmt.Errorf("%w: violates schema %s", ErrMetadata, version)
	}
	var m Metadata
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%w: does not decode", ErrMetadata)
	}
	return &m, nil
}
