package fitconnect_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

// exampleTB runs the simulator outside a test (Examples have no
// testing.T); cleanups run at the end of the example.
type exampleTB struct{ cleanups []func() }

func (e *exampleTB) Helper()                        {}
func (e *exampleTB) Fatalf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }
func (e *exampleTB) Cleanup(f func())               { e.cleanups = append(e.cleanups, f) }
func (e *exampleTB) close() {
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i]()
	}
}

var _ fitconnecttest.TB = (testing.TB)(nil)

// A sender delivers an application with two attachments; the authority
// processes it exactly once and accepts; the sender reads the accept from
// the verified event log.
func Example() {
	tb := &exampleTB{}
	defer tb.close()
	sim := fitconnecttest.Start(tb)
	ctx := context.Background()

	client, err := fitconnect.New(sim.Config())
	if err != nil {
		panic(err)
	}
	sent, err := client.Send(ctx, fitconnect.Submission{
		DestinationID:     fitconnecttest.DestinationID,
		ServiceName:       fitconnecttest.ServiceName,
		ServiceIdentifier: fitconnecttest.ServiceIdentifier,
		DataSchemaURI:     fitconnecttest.DataSchemaURI,
		DataMimeType:      "application/xml",
		Data:              []byte(`<antrag/>`),
		Attachments: []fitconnect.Attachment{
			{Content: []byte("%PDF-1.7 Antrag"), MimeType: "application/pdf", Purpose: "form"},
			{Content: []byte("%PDF-1.7 Lageplan"), MimeType: "application/pdf"},
		},
	})
	if err != nil {
		panic(err)
	}

	// The authority's side.
	store, err := fitconnect.OpenSQLite(ctx, ":memory:")
	if err != nil {
		panic(err)
	}
	defer store.Close()
	page, err := client.ListSubmissions(ctx, fitconnecttest.DestinationID, 0, 10)
	if err != nil {
		panic(err)
	}
	for _, ref := range page.Submissions {
		out, err := client.Process(ctx, store, ref, func(_ context.Context, s *fitconnect.ReceivedSubmission) error {
			fmt.Println("received", len(s.Attachments), "attachments,", string(s.Data))
			return nil
		})
		if err != nil {
			panic(err)
		}
		fmt.Println(out)
	}

	st, err := client.Status(ctx, sent)
	if err != nil {
		panic(err)
	}
	fmt.Println(st.State)
	// Output:
	// received 2 attachments, <antrag/>
	// accepted
	// accepted
}
