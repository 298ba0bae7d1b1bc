package fitconnecttest_test

import (
	"context"
	"fmt"

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

// One Zustelldienst for two municipalities: the Routing API finds each
// one's destination by LeiKa key and ARS, the sender submits there, and
// only that destination's subscriber receives it.
func ExampleStartWith_destinations() {
	tb := &exampleTB{}
	defer tb.close()
	building := []fitconnecttest.ServiceConfig{{LeikaKey: "99010003001006", Name: "Baugenehmigung"}}
	sim := fitconnecttest.StartWith(tb, fitconnecttest.SimConfig{Destinations: []fitconnecttest.DestinationConfig{
		{Name: "Bauaufsicht Saarbrücken", Services: building, Regions: []string{"100410100100"}},
		{Name: "Bauamt Völklingen", Services: building, Regions: []string{"100410519519"}},
	}})
	ctx := context.Background()
	sender, _ := fitconnect.New(sim.SenderConfig())
	routes, err := sender.Route(ctx, fitconnect.RouteQuery{LeikaKey: "99010003001006", ARS: "100410519519"})
	if err != nil || len(routes) != 1 {
		fmt.Println("no route:", err)
		return
	}
	fmt.Println("route:", routes[0].DestinationName)
	_, err = sender.Send(ctx, fitconnect.Submission{DestinationID: routes[0].DestinationID, ServiceName: "Baugenehmigung",
		ServiceIdentifier: "urn:de:fim:leika:leistung:99010003001006", Data: []byte("<antrag/>"),
		DataMimeType: "application/xml", DataSchemaURI: fitconnecttest.DataSchemaURI})
	if err != nil {
		fmt.Println("send:", err)
		return
	}
	for _, d := range sim.Destinations() {
		sub, _ := fitconnect.New(sim.SubscriberConfig(d.ID))
		page, err := sub.ListSubmissions(ctx, d.ID, 0, 10)
		if err != nil {
			fmt.Println("list:", err)
			return
		}
		fmt.Printf("%s: %d submission(s)\n", d.Name, len(page.Submissions))
	}
	none, _ := sender.Route(ctx, fitconnect.RouteQuery{LeikaKey: "99010003001006", ARS: "100450116116"})
	fmt.Println("routes in Homburg:", len(none))
	// Output:
	// route: Bauamt Völklingen
	// Bauaufsicht Saarbrücken: 0 submission(s)
	// Bauamt Völklingen: 1 submission(s)
	// routes in Homburg: 0
}
