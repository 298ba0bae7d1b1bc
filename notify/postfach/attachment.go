package postfach

import (
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
)

// FileType is one entry of the attachment allow-list: an attachment is
// sent only if its declared content type is MediaType, its file name ends
// in one of Extensions, and its content sniffs (WHATWG MIME Sniffing, as
// implemented by net/http.DetectContentType) as one of Sniffed. The
// ZBP's own list of accepted types is not public.
type FileType struct {
	// MediaType is the declared type, e.g. "application/pdf".
	MediaType string
	// Extensions are the accepted file-name endings, lower case with the
	// dot (".pdf"); matched case-insensitively.
	Extensions []string
	// Sniffed lists the media types the content signature may show; nil:
	// MediaType.
	Sniffed []string
}

func (ft FileType) validate() error {
	if _, _, err := mime.ParseMediaType(ft.MediaType); err != nil || len(ft.Extensions) == 0 {
		return fmt.Errorf("%w: attachment type %q needs a media type and at least one extension", ErrInvalidConfig, ft.MediaType)
	}
	for _, e := range ft.Extensions {
		if !strings.HasPrefix(e, ".") || e != strings.ToLower(e) {
			return fmt.Errorf("%w: attachment extension %q must be lower case and start with a dot", ErrInvalidConfig, e)
		}
	}
	return nil
}

// DefaultFileTypes returns the default allow-list: PDF, PNG, JPEG, XML
// and plain text. XML without an XML declaration sniffs as plain text,
// so both are accepted for it.
func DefaultFileTypes() []FileType {
	return []FileType{
		{MediaType: "application/pdf", Extensions: []string{".pdf"}},
		{MediaType: "image/png", Extensions: []string{".png"}},
		{MediaType: "image/jpeg", Extensions: []string{".jpg", ".jpeg"}},
		{MediaType: "application/xml", Extensions: []string{".xml"}, Sniffed: []string{"text/xml", "text/plain"}},
		{MediaType: "text/xml", Extensions: []string{".xml"}, Sniffed: []string{"text/xml", "text/plain"}},
		{MediaType: "text/plain", Extensions: []string{".txt"}},
	}
}

// SanitizeFilename returns name with each character the BSP Postfach
// refuses in file names (\ / : * ? " < | >) and each control character
// replaced by '_'; an empty name becomes "attachment". A name it returns
// unchanged passes the file-name check of Message.Validate.
func SanitizeFilename(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(forbiddenFilenameCharacter, r) {
			return '_'
		}
		return r
	}, name)
	if name == "" {
		return "attachment"
	}
	return name
}

// checkAttachments applies the allow-list: declared type, extension and
// content signature must agree on one allowed type.
func (c *Channel) checkAttachments(as []Attachment) error {
	for i, a := range as {
		f := fmt.Sprintf("attachments[%d]", i)
		declared, _, err := mime.ParseMediaType(a.ContentType)
		if err != nil {
			return &FieldError{Field: f + ".contentType", Reason: "not a media type"}
		}
		i := slices.IndexFunc(c.cfg.Attachments, func(ft FileType) bool { return strings.EqualFold(ft.MediaType, declared) })
		if i < 0 {
			return &FieldError{Field: f + ".contentType", Reason: "type not on the allow-list"}
		}
		// Several entries may share a media type (none by default); the
		// first decides.
		ft := c.cfg.Attachments[i]
		if !slices.Contains(ft.Extensions, strings.ToLower(path.Ext(a.Filename))) {
			return &FieldError{Field: f + ".filename", Reason: "extension does not match the content type"}
		}
		sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(a.Content))
		want := ft.Sniffed
		if want == nil {
			want = []string{strings.ToLower(ft.MediaType)}
		}
		if !slices.Contains(want, sniffed) {
			return &FieldError{Field: f + ".content", Reason: "content does not match the content type"}
		}
	}
	return nil
}
