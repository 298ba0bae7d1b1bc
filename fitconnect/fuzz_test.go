package fitconnect_test

import (
	"testing"

	"github.com/egosaar/ozg/fitconnect"
)

func FuzzValidateMetadata(f *testing.F) {
	f.Add([]byte(`{"contentStructure":{"attachments":[]}}`))
	f.Add([]byte(`{"$schema":"https://schema.fitko.de/fit-connect/metadata/1.2.0/metadata.schema.json","contentStructure":{"attachments":[{"hash":{"type":"sha512","content":"00"},"purpose":"form","mimeType":"a/b","attachmentId":"1b4e28ba-2fa1-4d2b-883f-0016d3cca427"}]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := fitconnect.ValidateMetadata(in)
		if (err == nil) == (m == nil) {
			t.Fatalf("result %v with error %v", m, err)
		}
	})
}

func FuzzParseProblem(f *testing.F) {
	f.Add([]byte(`{"type":"https://x/p","title":"t","status":404,"detail":"d","instance":"i"}`))
	f.Add([]byte(`{"type":1}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := fitconnect.ParseProblemForTest(418, in)
		if p == nil || p.Status != 418 {
			t.Fatal("problem without the HTTP status")
		}
	})
}

func FuzzParseCallback(f *testing.F) {
	f.Add([]byte(`{"type":"` + fitconnect.CallbackNewSubmissions + `","submissions":[{"destinationId":"9b3a1e6c-2f4d-4c8e-9a51-0d7e6f2b8c41","submissionId":"1b4e28ba-2fa1-4d2b-883f-0016d3cca427","caseId":"2b4e28ba-2fa1-4d2b-883f-0016d3cca427"}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		refs, err := fitconnect.ParseCallbackForTest(in, "9b3a1e6c-2f4d-4c8e-9a51-0d7e6f2b8c41")
		if err == nil {
			for _, r := range refs {
				if r.DestinationID != "9b3a1e6c-2f4d-4c8e-9a51-0d7e6f2b8c41" {
					t.Fatal("entry of another destination accepted")
				}
			}
		}
	})
}
