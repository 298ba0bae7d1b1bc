package accounttest

import "errors"

// ErrInvalidConfig reports a simulator configuration that cannot work
// (NewServer, NewOIDCSim): an unsupported signature method, a redirect
// URI that is not an absolute http(s) URL, a client key of an unsupported
// type.
var ErrInvalidConfig = errors.New("accounttest: invalid configuration")
