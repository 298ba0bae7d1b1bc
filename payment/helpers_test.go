package payment_test

import (
	"errors"
	"log/slog"
	"strconv"
)

func errorsAs[T any](err error, target *T) bool { return errors.As(err, target) }

func itoa(i int) string { return strconv.Itoa(i) }

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
