package httpx

import (
	"bytes"
	"io"
	"net/http"

	"github.com/egosaar/ozg/internal/boundedio"
)

// DefaultMaxBody caps response bodies read by the module's HTTP clients.
const DefaultMaxBody = 1 << 20 // 1 MiB

// ReadBody reads at most limit bytes of resp.Body and closes it. A longer
// body yields an error wrapping boundedio.ErrTooLarge.
func ReadBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if n := resp.ContentLength; n > 0 && n <= limit {
		// The declared length is read into a buffer of that size (one
		// allocation, no growing); the spare byte checks that the body
		// really ends there.
		buf := make([]byte, n+1)
		if _, err := io.ReadFull(resp.Body, buf[:n]); err != nil {
			return nil, err
		}
		m, err := resp.Body.Read(buf[n:])
		switch {
		case m > 0: // longer than declared: read it as an undeclared body
			return boundedio.ReadAll(io.MultiReader(bytes.NewReader(buf[:n+1]), resp.Body), limit)
		case err != nil && err != io.EOF:
			return nil, err
		}
		return buf[:n:n], nil
	}
	return boundedio.ReadAll(resp.Body, limit)
}

// DrainAndClose discards up to 64 KiB of the body so the connection can be
// reused, then closes it.
func DrainAndClose(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}
