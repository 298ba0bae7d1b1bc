package fitconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

// Unusable arguments are ErrInvalidArgument, and nothing reaches the
// Zustelldienst.
func TestInvalidArguments(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	ctx := context.Background()
	noService := bauantrag()
	noService.ServiceName = ""
	badType := bauantrag()
	badType.DataMimeType = "text/plain"
	noAttachmentType := bauantrag()
	noAttachmentType.Attachments[0].MimeType = ""
	ref := fitconnect.SubmissionRef{DestinationID: fitconnecttest.DestinationID, SubmissionID: "not-a-uuid"}

	calls := map[string]func() error{
		"route without LeiKa key": func() error { _, err := c.Route(ctx, fitconnect.RouteQuery{ARS: "100410100100"}); return err },
		"route without area":      func() error { _, err := c.Route(ctx, fitconnect.RouteQuery{LeikaKey: "99010004001006"}); return err },
		"route with ARS and AGS": func() error {
			_, err := c.Route(ctx, fitconnect.RouteQuery{LeikaKey: "99010004001006", ARS: "100410100100", AGS: "10041100"})
			return err
		},
		"send without service":         func() error { _, err := c.Send(ctx, noService); return err },
		"send with a text data type":   func() error { _, err := c.Send(ctx, badType); return err },
		"attachment without MIME type": func() error { _, err := c.Send(ctx, noAttachmentType); return err },
		"status of nothing":            func() error { _, err := c.Status(ctx, &fitconnect.SentSubmission{}); return err },
		"list with a negative offset": func() error {
			_, err := c.ListSubmissions(ctx, fitconnecttest.DestinationID, -1, 10)
			return err
		},
		"list of a bad destination": func() error { _, err := c.ListSubmissions(ctx, "x", 0, 10); return err },
		"receive a bad ID":          func() error { _, err := c.Receive(ctx, ref); return err },
		"accept nil":                func() error { return c.Accept(ctx, nil) },
		"reject without problem":    func() error { return c.Reject(ctx, ref) },
	}
	for name, call := range calls {
		assert.ErrorIs(t, call(), fitconnect.ErrInvalidArgument, name)
	}
	assert.Zero(t, sim.Submissions(), "nothing was announced")
}
