package paymenttest

import (
	"github.com/egosaar/ozg/payment/paytype"
)

// ValidRequest returns a valid two-item request (19 % and 7 % VAT, typed
// booking data) for key, totalling 45.84 EUR.
func ValidRequest(key string) *paytype.CreateRequest {
	return &paytype.CreateRequest{
		IdempotencyKey: key,
		Currency:       paytype.EUR,
		Total:          4584,
		Purpose:        "Gebuehr Anwohnerparken",
		Description:    "Bewohnerparkausweis Zone B, 12 Monate",
		RedirectURL:    "https://service.example/payment/return",
		Items: []paytype.Item{
			{
				ID: "pos-1", Reference: "LeiKa-99107004017000", Description: "Ausweis", Quantity: 1, TaxRate: 1900,
				SingleNet: 3000, SingleTax: 570, TotalNet: 3000, TotalTax: 570,
				Booking: paytype.Booking{Kassenzeichen: "4200000000061", Haushaltsstelle: "1.1100.432100", Objektnummer: "OBJ-7",
					Buchungstext: "Parkausweis", Belegnummer: "B-2026-0001", Faelligkeitsdatum: "2026-04-01"},
			},
			{
				ID: "pos-2", Description: "Porto", Quantity: 2, TaxRate: 700,
				SingleNet: 450, SingleTax: 57, TotalNet: 900, TotalTax: 114,
				Booking: paytype.Booking{Kassenzeichen: "4200000000061", Haushaltsstelle: "1.1100.432200"},
			},
		},
	}
}
