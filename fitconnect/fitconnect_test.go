package fitconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

func newClient(t testing.TB, sim *fitconnecttest.Sim, mod ...func(*fitconnect.Config)) *fitconnect.Client {
	t.Helper()
	cfg := sim.Config()
	for _, m := range mod {
		m(&cfg)
	}
	c, err := fitconnect.New(cfg)
	require.NoError(t, err)
	return c
}

func bauantrag() fitconnect.Submission {
	return fitconnect.Submission{
		DestinationID: fitconnecttest.DestinationID, ServiceName: fitconnecttest.ServiceName,
		ServiceIdentifier: fitconnecttest.ServiceIdentifier, DataSchemaURI: fitconnecttest.DataSchemaURI,
		DataMimeType: "application/xml", Data: []byte(`<xbau:baugenehmigung.antrag.0200/>`),
		Attachments: []fitconnect.Attachment{
			{Content: []byte("%PDF-1.7 Bauzeichnung"), MimeType: "application/pdf", Purpose: "form", Filename: "antrag.pdf"},
			{Content: []byte("%PDF-1.7 Lageplan"), MimeType: "application/pdf", Filename: "lageplan.pdf"},
		},
		ReplyChannel: &fitconnect.ReplyChannel{EMail: &fitconnect.EMailChannel{Address: "buerger@example.org"}},
	}
}

func TestSubmitReceiveAccept(t *testing.T) {
	t.Parallel()
	for _, v := range []fitconnect.APIVersion{fitconnect.V2, fitconnect.V1} {
		sim := fitconnecttest.Start(t)
		c := newClient(t, sim, func(c *fitconnect.Config) { c.APIVersion = v })
		ctx := context.Background()
		sent, err := c.Send(ctx, bauantrag())
		require.NoError(t, err)
		assert.Len(t, sent.AuthenticationTags.Attachments, 2)

		st, err := c.Status(ctx, sent)
		require.NoError(t, err)
		assert.Equal(t, "submitted", st.State)

		page, err := c.ListSubmissions(ctx, fitconnecttest.DestinationID, 0, 10)
		require.NoError(t, err)
		require.Len(t, page.Submissions, 1)
		got, err := c.Receive(ctx, page.Submissions[0])
		require.NoError(t, err)
		assert.Equal(t, `<xbau:baugenehmigung.antrag.0200/>`, string(got.Data))
		require.Len(t, got.Attachments, 2)
		assert.Equal(t, "%PDF-1.7 Lageplan", string(got.Attachments[1].Content))
		assert.Equal(t, sent.AuthenticationTags, got.AuthenticationTags)
		require.NoError(t, c.Accept(ctx, got))

		st, err = c.Status(ctx, sent)
		require.NoError(t, err)
		assert.Equal(t, "accepted", st.State)
		page, err = c.ListSubmissions(ctx, fitconnecttest.DestinationID, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, page.Submissions)
	}
}
