// Package paytype holds the value types that the payment application API
// (package payment), the adapter contract (package payment/payprovider)
// and the store contract (package payment/paystore) share: money
// ([Amount], [Currency], [TaxRate]), the status model ([Status],
// [CanTransition]), what a caller asks to be paid ([CreateRequest] with
// its items, booking data and requestor) and the stored [Transaction].
// It is the base the three packages import, as database/sql/driver's
// value types are for database/sql, so that none of them imports another
// in a cycle. It has no behaviour beyond validation and conversion.
//
// # Specifications
//
//   - XBezahldienste 1.0.0 (FITKO): PaymentRequest, PaymentItem,
//     Requestor, bookingData, the status model INITIAL → PAYED | CANCELED
//     | FAILED. [CreateRequest.Validate] enforces its limits (requestId
//     and item id ≤ 36 of [A-Za-z0-9_-], purpose ≤ 27, description ≤ 250,
//     redirectUrl ≤ 2082, 1 … 99 items, amounts ≤ 999999.00 EUR, EUR only).
//   - AKDB ePayBL REST: Belegnummer ≤ 30 of letters, digits, _ and -.
//
// # Security
//
//   - Money is an int64 number of euro cents; no float is used. [ParseEUR]
//     accepts exactly the wire's decimal form and refuses overflow,
//     negative and over-precise input with an [AmountError].
//   - Bad input is refused with a [FieldError] naming the field, never
//     truncated, cleaned or clamped; error texts name fields, not values,
//     so no personal data reaches logs through them.
//   - An unknown status string is [ErrUnknownStatus] and never means paid;
//     [CanTransition] allows only INITIAL → a terminal state.
//   - [Transaction.Clone] and [CreateRequest.Clone] copy deeply, so a
//     store never shares maps or slices with its callers.
package paytype
