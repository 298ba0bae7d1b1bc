// Package boundedio reads untrusted input with a hard size cap. It is the
// one place in the module that turns an io.Reader into bytes: ReadAll
// reads at most limit bytes and reports longer input as a *TooLargeError
// (ErrTooLarge) without returning any of it.
//
// # Security
//
// Every read of input from outside the process (HTTP bodies, uploaded
// documents, decompressed payloads) goes through ReadAll with a limit
// chosen by the caller, so one request cannot make the process allocate
// without bound. At most limit+1 bytes are read, never the rest of the
// stream; the caller decides whether to drain or close it. A limit of zero
// or less reads nothing and fails, so a forgotten limit fails closed
// rather than unlimited.
package boundedio
